"""Open Council Data UK: seats held per council per year (2016 on), by name only (no ONS codes)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from corpus.results.parties import control_sql
from corpus.results.records import ResultsFormat
from corpus.results.stage import require, require_unique, stage_csv

PARTIES = (
    ("con", "CON"),
    ("lab", "LAB"),
    ("ld", "LD"),
    ("green", "GRN"),
    ("ukip", "UKIP"),
    ("ref", "REF"),
    ("pc", "PC"),
    ("snp", "SNP"),
    ("other", "OTH"),  # independents, residents' groups, other parties and vacancies
)

# 'Lab plurality' (largest party, no majority), 'CON min' (minority administration) and coalitions
# ('LD/IND') are no overall control; 'LAB Mayor' says who the mayor is, not who holds the council.
CONTROL = f"""CASE
    WHEN majority ILIKE '%plurality%' OR majority ILIKE '% min' OR majority LIKE '%/%' THEN 'NOC'
    WHEN majority ILIKE '%mayor%' THEN NULL
    ELSE {control_sql("majority")} END"""


def stage_opencouncildata(con: duckdb.DuckDBPyConnection, path: Path, fmt: ResultsFormat) -> None:
    """Stage yearly seats held and control labels; names get their ONS codes when the store is reconciled."""
    stage_csv(con, path, fmt.columns, nullstr=fmt.nullstr)
    for column in ("authority", "year", "total", "majority", *(name for name, _ in PARTIES)):
        require(con, path, f'"{column}" IS NOT NULL', field=column, problem="the value is missing", fix="fill it in")
    require(con, path, "year BETWEEN 1970 AND 2100", field="year", problem="{value} is not a year", fix="correct it")
    require_unique(con, path, ("year", "authority"), what="the council and year")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE new_council_composition_by_year AS "
        + " UNION ALL ".join(
            f"""SELECT year, NULL::VARCHAR AS ons_code, trim(authority) AS authority_name, '{code}' AS party_code,
                       "{column}" AS seats_held, total AS total_seats, {CONTROL} AS control,
                       majority AS control_printed
                FROM staged"""
            for column, code in PARTIES
        )
    )


OPEN_COUNCIL_DATA = ResultsFormat(
    id="opencouncildata-history",
    dataset="Council composition history",
    licence="CC BY-SA 4.0",
    publisher="Open Council Data UK",
    url="https://opencouncildata.co.uk/",
    columns=(
        ("id", "INTEGER"),
        ("council id", "INTEGER"),
        ("authority", "VARCHAR"),
        ("year", "INTEGER"),
        ("total", "UINTEGER"),
        *((name, "UINTEGER") for name, _ in PARTIES),
        ("majority", "VARCHAR"),
    ),
    stage=stage_opencouncildata,
    description="Open Council Data history (id, council id, authority, year, total, con, ..., other, majority)",
)

"""Commons Library local elections 2022: councillors in Great Britain by party, each year since 1973."""

from __future__ import annotations

from pathlib import Path

import duckdb

from corpus.results.records import ResultsFormat
from corpus.results.stage import require, require_unique, stage_csv

# The file's party columns: `snp_pc` joins the SNP's Scottish and Plaid Cymru's Welsh councillors, and the file
# does not split them, so they are kept joined under one code (NAT, "SNP and Plaid Cymru") and said so.
PARTIES = (("con", "CON"), ("lab", "LAB"), ("ld", "LD"), ("snp_pc", "NAT"), ("other", "OTH"))


def stage_hoc_councillors(con: duckdb.DuckDBPyConnection, path: Path, fmt: ResultsFormat) -> None:
    """Stage each year's councillors by party (a year the file marks '-' throughout, 2020, has no rows)."""
    stage_csv(con, path, fmt.columns, nullstr=fmt.nullstr)
    require(con, path, "year BETWEEN 1900 AND 2100", field="year", problem="{value} is not a year",
            fix="correct that line")
    require_unique(con, path, ("year",), what="the year")
    counted = " + ".join(f"coalesce({column}, 0)" for column, _ in PARTIES)
    require(
        con,
        path,
        f"total IS NULL OR {counted} = total",
        field="total",
        problem="total is {value} but the party columns add up to another number",
        fix="correct that line",
        show="total",
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE new_national_councillors AS "
        + " UNION ALL ".join(
            f"SELECT year, '{code}' AS party_code, {column} AS councillors, total FROM staged "
            f"WHERE {column} IS NOT NULL"
            for column, code in PARTIES
        )
    )


HOC_COUNCILLORS = ResultsFormat(
    id="hoc-councillors-by-party",
    dataset="Local elections 2022: councillors by party in Great Britain, 1973-2022",
    licence="Open Parliament Licence v3.0",
    publisher="House of Commons Library",
    columns=(
        ("year", "INTEGER"),
        *((column, "UINTEGER") for column, _ in PARTIES),
        ("total", "UINTEGER"),
    ),
    stage=stage_hoc_councillors,
    nullstr=("", "-"),
    description="Commons Library councillors by party, one row a year (year, con, lab, ld, snp_pc, other, total)",
)

"""Commons Library CBP-9545: English council composition and control after the 2018 and 2022 elections."""

from __future__ import annotations

from pathlib import Path

import duckdb

from corpus.results.elections import election_id, may_polling_day, record_elections
from corpus.results.parties import control_sql
from corpus.results.records import ResultsFormat
from corpus.results.stage import require, require_unique, stage_csv

PARTIES = (("con", "CON"), ("lab", "LAB"), ("ld", "LD"), ("grn", "GRN"), ("oth", "OTH"))
YEARS = (2018, 2022)
COUNT_COLUMNS = tuple(f"{party}_{year}" for year in YEARS for party, _ in PARTIES)


def stage_hoc_composition(con: duckdb.DuckDBPyConnection, path: Path, fmt: ResultsFormat) -> None:
    """Stage composition (seats held, net change), control and council names for 2018 and 2022."""
    stage_csv(con, path, fmt.columns, nullstr=fmt.nullstr)
    require(
        con,
        path,
        "regexp_matches(ons_code, '^[EW][0-9]{8}$')",
        field="ons_code",
        problem="{value} is not an ONS council code",
        fix="correct that line",
    )
    require_unique(con, path, ("ons_code",), what="the council")
    for year in YEARS:
        # A council that did not exist yet ('-' throughout, read as NULL) has no row for that year.
        require(
            con,
            path,
            f"(total_{year} IS NULL) = (control_{year} IS NULL)",
            field=f"control_{year}",
            problem=f"control_{year} is {{value}} but total_{year} does not match it (both given, or both '-')",
            fix="correct that line",
            show=f"control_{year}",
        )
    elections = {year: election_id("local", may_polling_day(year)) for year in YEARS}
    record_elections(con, list(elections.values()))
    control = {year: control_sql(f"control_{year}") for year in YEARS}
    con.execute(
        "CREATE OR REPLACE TEMP TABLE new_council_control AS "
        + " UNION ALL ".join(
            f"""SELECT '{elections[year]}' AS election_id, ons_code, {control[year]} AS control,
                       control_{year} AS control_printed, total_{year} AS total_seats,
                       {"coalesce(vacant_2022, 0)" if year == 2022 else "NULL::INTEGER"} AS vacant_seats,
                       {"seats_up" if year == 2022 else "NULL"} AS seats_up
                FROM staged WHERE total_{year} IS NOT NULL"""
            for year in YEARS
        )
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE new_council_composition AS "
        + " UNION ALL ".join(
            f"""SELECT '{elections[year]}' AS election_id, ons_code, '{code}' AS party_code,
                       {party}_{year} AS seats_held,
                       {f"net_{party}" if year == 2022 else "NULL::INTEGER"} AS net_change,
                       {control[year]} AS control
                FROM staged WHERE {party}_{year} IS NOT NULL"""
            for year in YEARS
            for party, code in PARTIES
        )
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_authority_names AS
        SELECT DISTINCT ons_code AS code, council_name AS name, council_type AS type, region FROM staged
        """
    )


HOC_COMPOSITION = ResultsFormat(
    id="hoc-council-composition",
    dataset="Local elections 2022 (CBP-9545): council composition and control",
    licence="Open Parliament Licence v3.0",
    publisher="House of Commons Library",
    url="https://commonslibrary.parliament.uk/research-briefings/cbp-9545/",
    columns=(
        ("ons_code", "VARCHAR"),
        ("council_name", "VARCHAR"),
        ("boundary_change", "VARCHAR"),
        ("new_council", "VARCHAR"),
        ("council_type", "VARCHAR"),
        ("seats_up", "VARCHAR"),
        ("region", "VARCHAR"),
        *((f"{party}_2018", "UINTEGER") for party, _ in PARTIES),
        ("total_2018", "UINTEGER"),
        ("control_2018", "VARCHAR"),
        *((f"{party}_2022", "UINTEGER") for party, _ in PARTIES),
        ("vacant_2022", "UINTEGER"),
        ("total_2022", "UINTEGER"),
        ("control_2022", "VARCHAR"),
        *((f"net_{party}", "INTEGER") for party, _ in PARTIES),
    ),
    stage=stage_hoc_composition,
    nullstr=("", "-"),
    description="Commons Library CBP-9545 England sheet (ons_code, council_name, ..., con_2018, ..., net_oth)",
)

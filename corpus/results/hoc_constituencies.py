"""Commons Library general election results by constituency (GE2017, GE2019 and GE2024 files, one row per seat)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import duckdb

from corpus.results.elections import BRIEFINGS, GENERAL_ELECTION_DAYS, election_id, record_elections
from corpus.results.parties import map_parties
from corpus.results.records import ResultsFormat
from corpus.results.stage import require, require_constituency_codes, require_unique, stage_csv

LEADING = (
    ("ONS ID", "VARCHAR"),
    ("ONS region ID", "VARCHAR"),
    ("Constituency name", "VARCHAR"),
    ("County name", "VARCHAR"),
    ("Region name", "VARCHAR"),
    ("Country name", "VARCHAR"),
    ("Constituency type", "VARCHAR"),
    ("Declaration time", "VARCHAR"),
    ("Member first name", "VARCHAR"),
    ("Member surname", "VARCHAR"),
    ("Member gender", "VARCHAR"),
    ("Result", "VARCHAR"),
    ("First party", "VARCHAR"),
    ("Second party", "VARCHAR"),
    ("Electorate", "UBIGINT"),
    ("Valid votes", "UBIGINT"),
    ("Invalid votes", "UBIGINT"),
    ("Majority", "UBIGINT"),
)
OTHERS = "All other candidates"  # votes for every candidate of a party without a column, as party OTH
TRAILING = ((OTHERS, "UBIGINT"), ("Of which other winner", "UBIGINT"))


def party_columns(third: str) -> tuple[str, ...]:
    """The vote columns of one year's file: the fourth party's column changed between elections."""
    return ("Con", "Lab", "LD", third, "Green", "SNP", "PC", "DUP", "SF", "SDLP", "UUP", "APNI")


def stage_constituencies(
    con: duckdb.DuckDBPyConnection, path: Path, fmt: ResultsFormat, *, year: int, third: str
) -> None:
    """Stage constituency results, votes by party, national seat totals and constituency names."""
    stage_csv(con, path, fmt.columns, nullstr=fmt.nullstr)
    require_constituency_codes(con, path)
    require_unique(con, path, ("ONS ID",), what="the constituency")
    for column in ("Constituency name", "First party", "Member surname"):
        require(con, path, f'"{column}" IS NOT NULL', field=column, problem="the value is missing", fix="fill it in")
    require(
        con,
        path,
        'try_strptime("Declaration time", \'%d/%m/%Y %H:%M\') IS NOT NULL OR "Declaration time" IS NULL',
        field="Declaration time",
        problem="{value} is not a time like 13/12/2019 02:30",
        fix="correct that line",
    )
    election = election_id("general", GENERAL_ELECTION_DAYS[year])
    record_elections(con, [election])
    vote_columns = [*party_columns(third), OTHERS]
    printed = " UNION ALL ".join(
        [
            'SELECT DISTINCT "First party" AS printed, NULL AS printed_name FROM staged',
            'SELECT DISTINCT "Second party", NULL FROM staged',
            *(f"SELECT '{column}', NULL" for column in vote_columns),
        ]
    )
    map_parties(con, printed, path.name)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_constituency_results AS
        SELECT $election AS election_id, s."ONS ID" AS ons_code, s."Constituency name" AS name,
               trim(concat_ws(' ', s."Member first name", s."Member surname")) AS winner,
               CASE left(upper(trim(s."Member gender")), 1) WHEN 'F' THEN 'F' WHEN 'M' THEN 'M' END AS winner_gender,
               first.code AS party_code, second.code AS second_party_code, s."Result" AS result,
               s."Electorate" AS electorate, s."Valid votes" AS valid_votes, s."Invalid votes" AS invalid_votes,
               s."Majority" AS majority, s."Valid votes" / nullif(s."Electorate", 0) AS turnout,
               strptime(s."Declaration time", '%d/%m/%Y %H:%M') AS declared_at
        FROM staged s
        JOIN party_map first ON first.printed = trim(s."First party")
        LEFT JOIN party_map second ON second.printed = trim(s."Second party")
        """,
        {"election": election},
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE new_constituency_votes AS "
        + " UNION ALL ".join(
            f"""SELECT $election AS election_id, s."ONS ID" AS ons_code, m.code AS party_code,
                       '{column}' AS party_printed, s."{column}" AS votes
                FROM staged s JOIN party_map m ON m.printed = '{column}' WHERE s."{column}" > 0"""
            for column in vote_columns
        ),
        {"election": election},
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_national_results AS
        WITH seats AS (SELECT election_id, party_code, count(*)::INTEGER AS seats
                       FROM new_constituency_results GROUP BY ALL),
             votes AS (SELECT election_id, party_code, sum(votes)::BIGINT AS votes
                       FROM new_constituency_votes GROUP BY ALL)
        SELECT election_id, party_code, coalesce(seats, 0) AS seats, votes
        FROM seats FULL JOIN votes USING (election_id, party_code)
        """
    )
    stage_constituency_names(con)


def stage_constituency_names(con: duckdb.DuckDBPyConnection) -> None:
    """The constituencies a Commons Library file (by constituency or by candidate) names, with their places."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_constituency_names AS
        SELECT DISTINCT "ONS ID" AS code, "Constituency name" AS name, "Region name" AS region,
               "Country name" AS country, "Constituency type" AS type
        FROM staged
        """
    )


def constituency_format(year: int, third: str) -> ResultsFormat:
    """The Commons Library's by-constituency format for the general election of `year`."""
    return ResultsFormat(
        id=f"hoc-ge{year}-constituencies",
        dataset=f"General election {year}: results by constituency",
        licence="Open Parliament Licence v3.0",
        publisher="House of Commons Library",
        url=BRIEFINGS.get(year),
        columns=(*LEADING, *((party, "UBIGINT") for party in party_columns(third)), *TRAILING),
        stage=partial(stage_constituencies, year=year, third=third),
        description=f"Commons Library GE{year} results by constituency (ONS ID, ..., Con, Lab, LD, {third}, ...)",
    )


HOC_GE2017_CONSTITUENCIES = constituency_format(2017, "UKIP")
HOC_GE2019_CONSTITUENCIES = constituency_format(2019, "BRX")
HOC_GE2024_CONSTITUENCIES = constituency_format(2024, "RUK")  # gender spelt out: "Female", "Male"

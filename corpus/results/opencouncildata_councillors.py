"""Open Council Data UK: who sat on each council, ward by ward, in one year (a roster per file, by name only).

A roster is not an election result: it is the councillors of that year, by-elections and defections in it. The
file does not say its year; its name does (`opencouncildata_councillors_2022.csv`). Councils come with names only
and get their ONS codes when the store is reconciled (corpus/results/places.py, `resolve_names`), as the yearly
composition history does; wards are matched to the wards the election files name for that council there too.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from corpus.results.errors import ResultsFileError
from corpus.results.parties import map_parties
from corpus.results.records import ResultsFormat
from corpus.results.stage import require, stage_csv

YEAR_IN_NAME = re.compile(r"(?<![0-9])(19[7-9][0-9]|20[0-9]{2})(?![0-9])")
# A seat the file lists with no one in it: the party column says 'Vacant' (the name 'Vacant' or 'Vacancy').
VACANT = "lower(party) = 'vacant'"
REQUIRED = (
    ("Council", "the council's name is missing"),
    ("Ward Name", "the ward's name is missing"),
    ("Councillor Name", "the councillor's name is missing"),
    ("Party Name", "the party is missing (Open Council Data writes 'Independent / Other' or 'Vacant')"),
)


def roster_year(path: Path) -> int:
    """The roster's year, from the file's name; ResultsFileError when the name has none."""
    found = YEAR_IN_NAME.findall(path.stem)
    if len(found) != 1:
        raise ResultsFileError(path, "a councillors roster does not say its year, and the file's name names "
                               f"{'no year' if not found else 'more than one'}", line=1,
                               fix="name the file with the roster's year, as opencouncildata_councillors_2022.csv")
    return int(found[0])


def stage_councillors(con: duckdb.DuckDBPyConnection, path: Path, fmt: ResultsFormat) -> None:
    """Stage one row per seat of the roster: the councillor, their ward and party (none for a vacant seat)."""
    year = roster_year(path)
    stage_csv(con, path, fmt.columns, nullstr=fmt.nullstr)
    for field, problem in REQUIRED:
        require(con, path, f'nullif(trim("{field}"), \'\') IS NOT NULL', field=field, problem=problem,
                fix="fill it in, or remove the line")
    # Some values carry trailing spaces ("Ely West "): read trimmed, so names match the other files'.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE roster AS
        SELECT _record, trim("Council") AS council, trim("Ward Name") AS ward, trim("Councillor Name") AS name,
               "Next Election" AS next_election, trim("Party Name") AS party,
               nullif(trim("Electoral Commission Party Code"), '') AS registration
        FROM staged
        """
    )
    # A party is known by its registration where it has one, else by its name ('Independent / Other').
    map_parties(con, f"SELECT coalesce(registration, party) AS printed, party AS printed_name FROM roster "
                     f"WHERE NOT {VACANT}", path.name)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE new_councillors AS
        SELECT $year AS year, NULL::VARCHAR AS ons_code, r.council AS authority_name, r.ward AS ward_name,
               NULL::VARCHAR AS ward_code, CASE WHEN {VACANT} THEN NULL ELSE r.name END AS councillor,
               m.code AS party_code, r.party AS party_printed, r.registration AS party_registration,
               r.next_election, (r._record + 2)::INTEGER AS line
        FROM roster r LEFT JOIN party_map m
          ON m.printed = coalesce(r.registration, r.party) AND m.printed_name IS NOT DISTINCT FROM r.party
        ORDER BY r._record
        """,
        {"year": year},
    )


OPEN_COUNCIL_DATA_COUNCILLORS = ResultsFormat(
    id="opencouncildata-councillors",
    dataset="Councillors by council and ward (yearly roster)",
    licence="CC BY-SA 4.0",
    publisher="Open Council Data UK",
    url="https://opencouncildata.co.uk/",
    columns=(
        ("Council", "VARCHAR"),
        ("Ward Name", "VARCHAR"),
        ("Councillor Name", "VARCHAR"),
        ("Next Election", "DATE"),
        ("Party Name", "VARCHAR"),
        ("Electoral Commission Party Code", "VARCHAR"),
    ),
    stage=stage_councillors,
    description="Open Council Data councillors of one year (Council, Ward Name, Councillor Name, Next Election, "
                "Party Name, Electoral Commission Party Code); the year from the file's name",
)

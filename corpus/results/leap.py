"""LEAP (Andrew Teale's Local Elections Archive Project): every candidate on one polling day, no header row."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb

from corpus.results.elections import election_id, record_elections
from corpus.results.errors import ResultsFileError
from corpus.results.parties import map_parties
from corpus.results.records import ResultsFormat
from corpus.results.stage import require, stage_csv, stage_seats_and_wards

FILE_NAME = re.compile(r"leap-(\d{4}-\d{2}-\d{2})")
ONS_CODE = "'^[EWSN][0-9]{8}$'"


def polling_day(path: Path) -> date:
    """The polling day in a LEAP file name ('leap-2018-05-03.csv'): the file itself never says."""
    found = FILE_NAME.search(path.name)
    if found:
        try:
            return date.fromisoformat(found.group(1))
        except ValueError:
            pass
    raise ResultsFileError(
        path,
        "a LEAP file does not say which day its elections were held",
        fix="keep LEAP's own file name, 'leap-YYYY-MM-DD.csv', so the polling day is known",
    )


def stage_leap(con: duckdb.DuckDBPyConnection, path: Path, fmt: ResultsFormat) -> None:
    """Stage candidacies, seats won, wards and council names from a LEAP file."""
    election = election_id("local", polling_day(path))
    stage_csv(con, path, fmt.columns, header=False, nullstr=fmt.nullstr)
    # Placeholder rows (mayoralties, one Weymouth and Portland row) are NULL from the ward on: not contests.
    con.execute("DELETE FROM staged WHERE elected IS NULL AND votes IS NULL AND candidate IS NULL")
    checks = [
        (f"regexp_matches(council_ons, {ONS_CODE})", "council_ons", "{value} is not an ONS council code"),
        ("candidate IS NOT NULL", "candidate", "the candidate's name is missing"),
        ("party IS NOT NULL", "party", "the party code is missing"),
        ("elected IS NOT NULL", "elected", "elected must be 1 or 0, not empty"),
    ]
    for condition, field, problem in checks:
        require(con, path, condition, field=field, problem=problem, fix="correct that line", header=False)
    record_elections(con, [election])
    map_parties(con, "SELECT DISTINCT party AS printed, NULL AS printed_name FROM staged", path.name)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_candidacies AS
        SELECT $election AS election_id, s.council_ons AS ons_code, s.ward_ons AS ward_code,
               coalesce(s.ward_name, '') AS ward_name, s.candidate, m.code AS party_code,
               s.party AS party_printed, s.votes, s.elected, NULL::BOOLEAN AS incumbent
        FROM staged s JOIN party_map m ON m.printed = trim(s.party)
        """,
        {"election": election},
    )
    stage_seats_and_wards(con)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_authority_names AS
        SELECT DISTINCT council_ons AS code, council_name AS name, NULL AS type, NULL AS region FROM staged
        """
    )


LEAP = ResultsFormat(
    id="leap",
    dataset="LEAP: Local Elections Archive Project",
    licence="CC BY-SA 3.0",
    publisher="Andrew Teale",
    url="https://www.andrewteale.me.uk/leap/",
    columns=(
        ("council_name", "VARCHAR"),
        ("council_ons", "VARCHAR"),
        ("ward_name", "VARCHAR"),
        ("ward_ons", "VARCHAR"),
        ("candidate", "VARCHAR"),
        ("party", "VARCHAR"),
        ("votes", "UINTEGER"),
        ("elected", "BOOLEAN"),
    ),
    stage=stage_leap,
    header=False,
    nullstr=("NULL", ""),
    description="LEAP candidates of one polling day (no header; council, ONS code, ward, ward code, "
    "candidate, party, votes, elected)",
)

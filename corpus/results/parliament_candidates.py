"""UK Parliament psephology candidates table (electionresults.uk export): by constituency name, no ONS codes."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from corpus.results.elections import GENERAL_ELECTION_DAYS, election_id, record_elections
from corpus.results.errors import ResultsFileError
from corpus.results.parties import map_parties
from corpus.results.records import ResultsFormat
from corpus.results.stage import require, stage_csv

ELECTION = re.compile(r"^ge-(\d{4})$")


def stage_parliament_candidates(con: duckdb.DuckDBPyConnection, path: Path, fmt: ResultsFormat) -> None:
    """Stage constituency candidacies; constituency names get their ONS codes when the store is reconciled."""
    stage_csv(con, path, fmt.columns, nullstr=fmt.nullstr)
    for column in ("election_id", "constituency_name", "candidate_name", "party_source_label", "is_winner"):
        require(con, path, f'"{column}" IS NOT NULL', field=column, problem="the value is missing", fix="fill it in")
    years: list[int] = []
    for (label,) in con.execute("SELECT DISTINCT election_id FROM staged ORDER BY 1").fetchall():
        found = ELECTION.match(label)
        if not found or int(found.group(1)) not in GENERAL_ELECTION_DAYS:
            known = ", ".join(f"ge-{year}" for year in GENERAL_ELECTION_DAYS)
            require(
                con,
                path,
                f"election_id <> '{label}'",
                field="election_id",
                problem=f"{{value}} is not a general election this importer knows ({known})",
                fix="use the canonical results format for other elections",
            )
        else:
            years.append(int(found.group(1)))
    if not years:
        raise ResultsFileError(path, "the file has a header but no candidates", line=2, fix="export it again")
    ids = {year: election_id("general", GENERAL_ELECTION_DAYS[year]) for year in years}
    record_elections(con, list(ids.values()))
    cases = " ".join(f"WHEN 'ge-{year}' THEN '{ident}'" for year, ident in ids.items())
    map_parties(
        con, "SELECT DISTINCT party_source_label AS printed, party_display_name AS printed_name FROM staged", path.name
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE new_constituency_candidacies AS
        SELECT CASE s.election_id {cases} END AS election_id, NULL::VARCHAR AS ons_code,
               s.constituency_name, s.candidate_name AS candidate, m.code AS party_code,
               s.party_source_label AS party_printed, s.votes, s.share, s.position, s.is_winner AS elected
        FROM staged s
        JOIN party_map m ON m.printed = trim(s.party_source_label)
             AND m.printed_name IS NOT DISTINCT FROM nullif(trim(s.party_display_name), '')
        """
    )


PARLIAMENT_CANDIDATES = ResultsFormat(
    id="parliament-candidates",
    dataset="UK Parliament psephology database: candidates by constituency, via electionresults.uk",
    licence="CC BY 4.0 (from Open Parliament Licence v3.0 data)",
    publisher="Felix Sargent (electionresults.uk)",
    url="https://github.com/ukparliament/psephology-datasette",
    columns=(
        ("election_id", "VARCHAR"),
        ("constituency_id", "VARCHAR"),
        ("constituency_slug", "VARCHAR"),
        ("constituency_name", "VARCHAR"),
        ("candidate_name", "VARCHAR"),
        ("party_id", "VARCHAR"),
        ("party_display_name", "VARCHAR"),
        ("party_source_label", "VARCHAR"),
        ("votes", "UBIGINT"),
        ("share", "DOUBLE"),
        ("position", "UINTEGER"),
        ("is_winner", "BOOLEAN"),
        ("caveats", "VARCHAR"),
    ),
    stage=stage_parliament_candidates,
    description="electionresults.uk parliament candidates (election_id, constituency_id, ..., is_winner, caveats)",
)

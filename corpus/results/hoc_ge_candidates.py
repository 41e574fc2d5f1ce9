"""Commons Library general election results by candidate, 2019 and 2024 (no elected flag: the top vote wins)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import duckdb

from corpus.results.elections import BRIEFINGS, GENERAL_ELECTION_DAYS, election_id, record_elections
from corpus.results.hoc_constituencies import stage_constituency_names
from corpus.results.parties import map_parties
from corpus.results.records import ResultsFormat
from corpus.results.stage import require, require_constituency_codes, stage_csv


def stage_hoc_ge_candidates(con: duckdb.DuckDBPyConnection, path: Path, fmt: ResultsFormat, *, year: int) -> None:
    """Stage constituency candidacies (elected = most votes in the seat) and constituency names."""
    stage_csv(con, path, fmt.columns, nullstr=fmt.nullstr)
    require_constituency_codes(con, path)
    for column in ("Constituency name", "Party abbreviation", "Candidate surname", "Votes"):
        require(con, path, f'"{column}" IS NOT NULL', field=column, problem="the value is missing", fix="fill it in")
    election = election_id("general", GENERAL_ELECTION_DAYS[year])
    record_elections(con, [election])
    map_parties(
        con, 'SELECT DISTINCT "Party abbreviation" AS printed, "Party name" AS printed_name FROM staged', path.name
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_constituency_candidacies AS
        SELECT $election AS election_id, s."ONS ID" AS ons_code, s."Constituency name" AS constituency_name,
               trim(concat_ws(' ', s."Candidate first name", s."Candidate surname")) AS candidate,
               m.code AS party_code, coalesce(s."Party name", s."Party abbreviation") AS party_printed,
               s."Votes" AS votes, s."Share" AS share,
               rank() OVER (PARTITION BY s."ONS ID" ORDER BY s."Votes" DESC)::INTEGER AS position,
               rank() OVER (PARTITION BY s."ONS ID" ORDER BY s."Votes" DESC) = 1 AS elected
        FROM staged s
        JOIN party_map m ON m.printed = trim(s."Party abbreviation")
             AND m.printed_name IS NOT DISTINCT FROM nullif(trim(s."Party name"), '')
        """,
        {"election": election},
    )
    stage_constituency_names(con)


def candidates_format(year: int, person_id_column: str) -> ResultsFormat:
    """The Commons Library's by-candidate format for `year`: the last column's name changed in 2024."""
    return ResultsFormat(
        id=f"hoc-ge{year}-candidates",
        dataset=f"General election {year}: results by candidate",
        licence="Open Parliament Licence v3.0",
        publisher="House of Commons Library",
        url=BRIEFINGS.get(year),
        columns=(
            ("ONS ID", "VARCHAR"),
            ("ONS region ID", "VARCHAR"),
            ("Constituency name", "VARCHAR"),
            ("County name", "VARCHAR"),
            ("Region name", "VARCHAR"),
            ("Country name", "VARCHAR"),
            ("Constituency type", "VARCHAR"),
            ("Party name", "VARCHAR"),
            ("Party abbreviation", "VARCHAR"),
            ("Electoral Commission party ID", "VARCHAR"),
            ("MNIS party ID", "VARCHAR"),
            ("Electoral Commission adjunct party ID", "VARCHAR"),
            ("Candidate first name", "VARCHAR"),
            ("Candidate surname", "VARCHAR"),
            ("Candidate gender", "VARCHAR"),
            ("Sitting MP", "VARCHAR"),
            ("Former MP", "VARCHAR"),
            ("Member MNIS ID", "VARCHAR"),
            ("Votes", "UBIGINT"),
            ("Share", "DOUBLE"),
            ("Change", "DOUBLE"),
            (person_id_column, "VARCHAR"),
        ),
        stage=partial(stage_hoc_ge_candidates, year=year),
        description=f"Commons Library GE{year} results by candidate (ONS ID, ..., Party abbreviation, ..., Votes)",
    )


HOC_GE2019_CANDIDATES = candidates_format(2019, "Democracy Club person ID")
HOC_GE2024_CANDIDATES = candidates_format(2024, "DC Person ID")

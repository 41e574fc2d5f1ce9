"""Commons Library Local Elections Handbook: results by ward ("Wards-results" sheet): each ward contest's
electorate, turnout and votes cast. Its party columns are the parties that stood that year, so the header is
read, not fixed: the leading columns and the last must be the sheet's."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb

from corpus.results.elections import election_id, may_polling_day, record_elections
from corpus.results.errors import ResultsFileError
from corpus.results.records import ResultsFormat
from corpus.results.stage import require, stage_csv

LEADING = (
    ("COUNTYNAME", "VARCHAR"), ("County code", "VARCHAR"), ("County name", "VARCHAR"),
    ("Local authority code", "VARCHAR"), ("Local authority name", "VARCHAR"), ("Ward code", "VARCHAR"),
    ("Ward name", "VARCHAR"), ("Vacancies", "UINTEGER"), ("Type", "VARCHAR"), ("Electorate", "UINTEGER"),
    ("Turnout (%)", "DOUBLE"),
)
TOTAL = ("Total votes", "UINTEGER")


def ward_results_format(header: list[str]) -> ResultsFormat | None:
    """The format for this header when it is the wards sheet's: the leading columns, parties, then the total."""
    names = tuple(name for name, _ in LEADING)
    if tuple(header[: len(names)]) != names or header[-1] != TOTAL[0] or len(header) <= len(names) + 1:
        return None
    # Party columns are read as text and not kept: the candidates sheet has each candidate's votes, and some of
    # these cells hold "True" where a figure belongs (Aspire's, in Tower Hamlets).
    parties = tuple((name, "VARCHAR") for name in header[len(names) : -1])
    return replace(HOC_WARDS, columns=LEADING + parties + (TOTAL,))


def stage_hoc_wards(con: duckdb.DuckDBPyConnection, path: Path, fmt: ResultsFormat) -> None:
    """Stage one row per ward contest; the year is the handbook's, named in the file's name."""
    stage_csv(con, path, fmt.columns, nullstr=fmt.nullstr)
    for condition, field, problem in (
        ('"Local authority code" IS NOT NULL', "Local authority code", "the council's ONS code is missing"),
        ('"Ward name" IS NOT NULL', "Ward name", "the ward's name is missing"),
        ('"Turnout (%)" IS NULL OR "Turnout (%)" BETWEEN 0 AND 100', "Turnout (%)",
         "{value} is not a percentage"),
    ):
        require(con, path, condition, field=field, problem=problem, fix="correct that line")
    year = next((int(part) for part in path.stem.replace("-", "_").split("_") if part.isdigit() and len(part) == 4),
                None)
    if year is None:
        raise ResultsFileError(path, "the wards sheet gives no year, and the file's name names none", line=1,
                               fix="name the file with the election's year, as wards_results_2022.csv")
    election = election_id("local", may_polling_day(year))
    record_elections(con, [election])
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_ward_results AS
        SELECT $election AS election_id, "Local authority code" AS ons_code, "Ward code" AS ward_code,
               "Ward name" AS ward_name, "Vacancies" AS seats_up, "Electorate" AS electorate,
               "Turnout (%)" AS turnout, "Total votes" AS total_votes
        FROM staged
        """,
        {"election": election},
    )


HOC_WARDS = ResultsFormat(
    id="hoc-local-wards",
    dataset="Local Elections Handbook: results by ward",
    licence="Open Parliament Licence v3.0",
    publisher="House of Commons Library",
    columns=LEADING + (TOTAL,),
    stage=stage_hoc_wards,
    nullstr=("", "NA"),
    description="Commons Library local elections handbook, wards sheet (COUNTYNAME, ..., Turnout (%), parties, "
                "Total votes)",
)

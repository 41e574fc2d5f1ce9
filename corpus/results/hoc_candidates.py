"""Commons Library Local Elections Handbook: results by candidate ("Candidates-results" sheet), England and Wales."""

from __future__ import annotations

from pathlib import Path

import duckdb

from corpus.results.elections import election_id, may_polling_day, record_elections
from corpus.results.errors import ResultsFileError
from corpus.results.parties import map_parties
from corpus.results.records import ResultsFormat
from corpus.results.stage import require, stage_csv, stage_seats_and_wards

# The handbook's election types, as council types.
COUNCIL_TYPE = """CASE "Type" WHEN 'LB' THEN 'London' WHEN 'MB' THEN 'Metropolitan'
    WHEN 'UAT' THEN 'Unitary' WHEN 'UAA' THEN 'Unitary' WHEN 'SDT' THEN 'District' WHEN 'SDA' THEN 'District' END"""


def stage_hoc_candidates(con: duckdb.DuckDBPyConnection, path: Path, fmt: ResultsFormat) -> None:
    """Stage candidacies, seats won, wards and council names from the handbook's candidates sheet."""
    stage_csv(con, path, fmt.columns, nullstr=fmt.nullstr)
    checks = [
        ('"Local authority code" IS NOT NULL', "Local authority code", "the council's ONS code is missing"),
        ('"Candidate name" IS NOT NULL', "Candidate name", "the candidate's name is missing"),
        ('"Party name" IS NOT NULL', "Party name", "the party is missing"),
        ('"Elected" IS NOT NULL', "Elected", "Elected must be 1 or 0, not empty"),
        ('"Year" IS NOT NULL', "Year", "the year is missing"),
    ]
    for condition, field, problem in checks:
        require(con, path, condition, field=field, problem=problem, fix="correct that line")
    years = [row[0] for row in con.execute('SELECT DISTINCT "Year" FROM staged ORDER BY 1').fetchall()]
    if len(years) > 1:
        require(
            con,
            path,
            f'"Year" = {years[0]}',
            field="Year",
            problem=f"{{value}} differs from the first year, {years[0]}",
            fix="import one year's handbook per file",
        )
    if not years:
        raise ResultsFileError(path, "the file has a header but no candidates", line=2, fix="export the sheet again")
    election = election_id("local", may_polling_day(int(years[0])))
    record_elections(con, [election])
    map_parties(con, 'SELECT DISTINCT "Party name" AS printed, NULL AS printed_name FROM staged', path.name)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_candidacies AS
        SELECT $election AS election_id, s."Local authority code" AS ons_code, s."Ward code" AS ward_code,
               coalesce(s."Ward name", '') AS ward_name, s."Candidate name" AS candidate, m.code AS party_code,
               s."Party name" AS party_printed, s."Votes" AS votes, s."Elected" AS elected,
               s."Incumbent" AS incumbent
        FROM staged s JOIN party_map m ON m.printed = trim(s."Party name")
        """,
        {"election": election},
    )
    stage_seats_and_wards(con)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE new_authority_names AS
        SELECT DISTINCT "Local authority code" AS code, "Local authority name" AS name, {COUNCIL_TYPE} AS type,
               NULL AS region
        FROM staged
        """
    )


HOC_CANDIDATES = ResultsFormat(
    id="hoc-local-candidates",
    dataset="Local Elections Handbook: results by candidate",
    licence="Open Parliament Licence v3.0",
    publisher="House of Commons Library",
    columns=(
        ("COUNTYCODE", "VARCHAR"),
        ("COUNTYNAME", "VARCHAR"),
        ("County code", "VARCHAR"),
        ("County name", "VARCHAR"),
        ("Local authority code", "VARCHAR"),
        ("Local authority name", "VARCHAR"),
        ("Ward code", "VARCHAR"),
        ("Ward name", "VARCHAR"),
        ("Year", "INTEGER"),
        ("Type", "VARCHAR"),
        ("Vacancies", "UINTEGER"),
        ("Candidate number", "UINTEGER"),
        ("Candidate name", "VARCHAR"),
        ("Candidate gender", "VARCHAR"),
        ("Incumbent", "BOOLEAN"),
        ("Votes", "UINTEGER"),
        ("Elected", "BOOLEAN"),
        ("Party ID", "VARCHAR"),
        ("Party name", "VARCHAR"),
        ("Party group", "VARCHAR"),
        ("Total valid votes", "UINTEGER"),
        ("Vote effective", "BOOLEAN"),
    ),
    stage=stage_hoc_candidates,
    nullstr=("", "NA"),
    description="Commons Library local elections handbook, candidates sheet (COUNTYCODE, ..., Party name, ...)",
)

"""The canonical results CSV (see FORMAT.md): one row per fact, for results no other importer reads."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from corpus.results.canonical_facts import stage_general_facts, stage_local_facts, stage_names
from corpus.results.elections import record_elections
from corpus.results.errors import ResultsFileError
from corpus.results.parties import map_parties
from corpus.results.records import ResultsFormat
from corpus.results.stage import require, require_unique, sql_string, stage_csv

COLUMNS = (
    ("record", "VARCHAR"),
    ("election", "VARCHAR"),
    ("area_code", "VARCHAR"),
    ("area_name", "VARCHAR"),
    ("ward_code", "VARCHAR"),
    ("ward_name", "VARCHAR"),
    ("candidate", "VARCHAR"),
    ("party", "VARCHAR"),
    ("party_name", "VARCHAR"),
    ("votes", "UBIGINT"),
    ("seats", "UINTEGER"),
    ("change", "INTEGER"),
    ("elected", "BOOLEAN"),
    ("control", "VARCHAR"),
    ("vacant", "UINTEGER"),
    ("electorate", "UBIGINT"),
    ("valid_votes", "UBIGINT"),
    ("invalid_votes", "UBIGINT"),
    ("majority", "UBIGINT"),
    ("region", "VARCHAR"),
    ("dataset", "VARCHAR"),
)
REQUIRED_COLUMNS = ("record", "election")

# record -> (election kind, fields it must have, fields that make one fact: a second line with them is an error)
RECORDS: dict[str, tuple[str | None, tuple[str, ...], tuple[str, ...] | None]] = {
    "candidacy": (None, ("area_code", "candidate", "party", "elected"), None),
    "seats_won": ("local", ("area_code", "party", "seats"), ("election", "area_code", "party_code")),
    "seats_held": ("local", ("area_code", "party", "seats"), ("election", "area_code", "party_code")),
    "control": ("local", ("area_code", "control"), ("election", "area_code")),
    "constituency": ("general", ("area_code", "area_name", "candidate", "party"), ("election", "area_code")),
    "party_votes": ("general", ("area_code", "party", "votes"), ("election", "area_code", "party_code")),
    "national": ("general", ("party", "seats"), ("election", "party_code")),
    "name": (None, ("area_code", "area_name"), None),  # another spelling of a council or constituency
}
ELECTION_ID = r"'^(local|general)-[0-9]{4}-[0-9]{2}-[0-9]{2}$'"
ONS_CODE = r"'^[EWSNK][0-9]{8}$'"


def header_of(path: Path) -> list[str]:
    """The file's header row, names stripped."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [name.strip() for name in next(csv.reader(handle), [])]


def check_header(path: Path, names: list[str]) -> None:
    """Refuse unknown, repeated or missing columns."""
    known = dict(COLUMNS)
    for name in names:
        if name not in known:
            raise ResultsFileError(
                path,
                f"unknown column {name!r}",
                line=1,
                field=name,
                fix=f"use only these columns (any order, any subset): {', '.join(known)}",
            )
        if names.count(name) > 1:
            raise ResultsFileError(path, f"column {name!r} is given twice", line=1, field=name, fix="keep one")
    for name in REQUIRED_COLUMNS:
        if name not in names:
            raise ResultsFileError(path, f"column {name!r} is missing", line=1, field=name, fix="add it")


def stage_canonical(con: duckdb.DuckDBPyConnection, path: Path, fmt: ResultsFormat) -> None:
    """Stage every kind of fact the canonical format holds."""
    names = header_of(path)
    check_header(path, names)
    types = dict(COLUMNS)
    stage_csv(con, path, [(name, types[name]) for name in names], nullstr=fmt.nullstr)
    present = set(names)
    filled = ", ".join(
        (f"trim({name}) AS {name}" if kind == "VARCHAR" else name) if name in present else f"NULL::{kind} AS {name}"
        for name, kind in COLUMNS
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE canon AS SELECT _record AS rid, {filled} FROM staged")
    check_rows(con, path)
    elections = [
        row[0] for row in con.execute("SELECT DISTINCT election FROM canon WHERE election IS NOT NULL").fetchall()
    ]
    record_elections(con, elections)
    map_parties(
        con,
        "SELECT party AS printed, party_name AS printed_name FROM canon "
        "UNION ALL SELECT control, NULL FROM canon WHERE norm_name(control) NOT IN ('noc', 'no overall control')",
        path.name,
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE canon_parties AS
        SELECT c.*, m.code AS party_code,
               CASE WHEN norm_name(c.control) IN ('noc', 'no overall control') THEN 'NOC' ELSE k.code END
                   AS control_code,
               coalesce(c.dataset, $default) AS source_dataset
        FROM canon c
        LEFT JOIN party_map m ON m.printed = c.party AND m.printed_name IS NOT DISTINCT FROM nullif(c.party_name, '')
        LEFT JOIN party_map k ON k.printed = c.control AND k.printed_name IS NULL
        """,
        {"default": f"canonical results file {path.name}"},
    )
    for record, (_, _, key) in RECORDS.items():
        if key is not None:
            require_unique(
                con,
                path,
                key,
                what=f"the {record} fact",
                table="canon_parties",
                where=f"record = {sql_string(record)}",
                record="rid",
            )
    stage_local_facts(con)
    stage_general_facts(con)
    stage_names(con)


def check_rows(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Each line: a known record, a well-formed election of the right kind, the fields its record needs."""
    checks: list[tuple[str, str, str, str]] = [
        (
            f"record IN ({', '.join(sql_string(r) for r in RECORDS)})",
            "record",
            "{value} is not a record type",
            f"use one of: {', '.join(RECORDS)}",
        ),
        (
            f"(record = 'name' AND election IS NULL) OR "
            f"(regexp_matches(election, {ELECTION_ID}) AND try_cast(right(election, 10) AS DATE) IS NOT NULL)",
            "election",
            "{value} is not an election id",
            "write it as local-YYYY-MM-DD or general-YYYY-MM-DD (the polling day)",
        ),
    ]
    for record, (kind, required, _) in RECORDS.items():
        is_record = f"record = {sql_string(record)}"
        if kind is not None:
            checks.append(
                (
                    f"NOT {is_record} OR starts_with(election, '{kind}-')",
                    "election",
                    f"a {record} line needs a {kind} election, not {{value}}",
                    f"give a {kind}-YYYY-MM-DD election",
                )
            )
        for field in required:
            checks.append(
                (f"NOT {is_record} OR {field} IS NOT NULL", field, f"a {record} line needs {field}", f"fill in {field}")
            )
    checks.append(
        (
            "record = 'national' OR regexp_matches(area_code, " + ONS_CODE + ")",
            "area_code",
            "{value} is not an ONS code",
            "give the council's or constituency's ONS code, e.g. E06000010",
        )
    )
    checks.append(
        (
            "NOT (record = 'candidacy' AND starts_with(election, 'local-')) OR ward_name IS NOT NULL",
            "ward_name",
            "a local candidacy line needs ward_name",
            "fill in ward_name",
        )
    )
    for condition, field, problem, fix in checks:
        require(con, path, condition, field=field, problem=problem, fix=fix, table="canon", record="rid")


CANONICAL = ResultsFormat(
    id="canonical",
    dataset="canonical results file",
    licence=None,
    publisher="",  # each file names its own: a sidecar beside it (FORMAT.md), else its rows' `dataset`
    columns=COLUMNS,
    stage=stage_canonical,
    description="hustings canonical results CSV (record, election, area_code, ...; see corpus/results/FORMAT.md)",
)

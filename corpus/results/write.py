"""Moving a staged file into the store: it replaces its own earlier rows, and other files' rows for the same facts."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb


@dataclass(frozen=True, slots=True)
class FactTable:
    """A results table: which columns say "the same facts" (cover) and its primary key, if any."""

    name: str
    cover: tuple[str, ...]  # a file's rows replace other files' rows with the same values here
    key: tuple[str, ...] = ()
    authority: bool = False  # `ons_code` is a council's
    reference: bool = False  # a lookup table: replacing another file's rows is not worth reporting

    @property
    def staged(self) -> str:
        """The temp table an importer fills for this table."""
        return f"new_{self.name}"


FACT_TABLES = (
    FactTable("wards", ("ward_code",), ("ward_code",), authority=True, reference=True),
    FactTable("candidacies", ("election_id", "ons_code"), authority=True),
    FactTable("ward_results", ("election_id", "ons_code"), authority=True),
    FactTable("seats_won", ("election_id", "ons_code"), ("election_id", "ons_code", "party_code"), authority=True),
    FactTable("council_control", ("election_id", "ons_code"), ("election_id", "ons_code"), authority=True),
    FactTable(
        "council_composition", ("election_id", "ons_code"), ("election_id", "ons_code", "party_code"), authority=True
    ),
    FactTable(
        "council_composition_by_year",
        ("year", "authority_name"),
        ("year", "authority_name", "party_code"),
        authority=True,
    ),
    FactTable("constituency_results", ("election_id", "ons_code"), ("election_id", "ons_code")),
    FactTable("constituency_votes", ("election_id", "ons_code"), ("election_id", "ons_code", "party_code")),
    FactTable("constituency_candidacies", ("election_id", "ons_code")),
    FactTable("national_results", ("election_id",), ("election_id", "party_code")),
    FactTable("national_councillors", ("year",), ("year", "party_code")),
    FactTable("party_names", ("abbreviation", "name"), reference=True),
    FactTable("definitions", ("term", "sheet"), reference=True),
    FactTable("councillors", ("year", "authority_name"), authority=True),
)
NAME_TABLES = ("authority_names", "constituency_names")


def temp_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Names of the temporary tables on this connection."""
    return {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()}


def table_columns(con: duckdb.DuckDBPyConnection, table: str, temporary: bool = False) -> list[str]:
    """Column names of a table, in order."""
    rows = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = $table AND (database_name = 'temp') = $temporary "
        "ORDER BY column_index",
        {"table": table, "temporary": temporary},
    ).fetchall()
    return [row[0] for row in rows]


def map_staged_codes(con: duckdb.DuckDBPyConnection) -> None:
    """Put every staged council fact under its council's current ONS code."""
    present = temp_tables(con)
    for table in FACT_TABLES:
        if table.authority and table.staged in present:
            con.execute(
                f"UPDATE {table.staged} t SET ons_code = c.ons_code FROM authority_codes c "
                "WHERE t.ons_code = c.code AND c.code <> c.ons_code"
            )


def replace_names(con: duckdb.DuckDBPyConnection, source: str) -> None:
    """Replace the council and constituency names this file printed."""
    present = temp_tables(con)
    for table in NAME_TABLES:
        con.execute(f"DELETE FROM {table} WHERE source_file = $source", {"source": source})
        if f"new_{table}" in present:
            staged = set(table_columns(con, f"new_{table}", temporary=True))
            described = [
                c for c in table_columns(con, table) if c not in ("code", "name", "source_file") and c in staged
            ]
            picked = ", ".join(f"bool_and({c})" if c == "alias_only" else f"min({c})" for c in described)
            con.execute(
                f"INSERT INTO {table} (code, name, {', '.join(described)}, source_file) "
                f"SELECT code, name, {picked}, $source FROM new_{table} "
                "WHERE code IS NOT NULL AND name IS NOT NULL GROUP BY code, name",
                {"source": source},
            )


def replace_facts(con: duckdb.DuckDBPyConnection, source: str, dataset: str) -> tuple[dict[str, int], dict[str, int]]:
    """Write the staged facts of `source`; returns rows written and other files' rows replaced, by table."""
    present = temp_tables(con)
    written: dict[str, int] = {}
    superseded: dict[str, int] = {}
    for table in FACT_TABLES:
        con.execute(f"DELETE FROM {table.name} WHERE source_file = $source", {"source": source})
        if table.staged not in present:
            continue
        on = " AND ".join(f"t.{column} = n.{column}" for column in table.cover)
        cover = ", ".join(table.cover)
        gone = con.execute(
            f"DELETE FROM {table.name} t USING (SELECT DISTINCT {cover} FROM {table.staged}) n WHERE {on} RETURNING 1"
        ).fetchall()
        if gone and not table.reference:
            superseded[table.name] = len(gone)
        staged_columns = set(table_columns(con, table.staged, temporary=True))
        columns = [c for c in table_columns(con, table.name) if c in staged_columns and c != "source_file"]
        extra = "" if "dataset" in staged_columns or "dataset" not in table_columns(con, table.name) else ", dataset"
        selected = ", ".join(columns) + (", $dataset" if extra else "")
        row = con.execute(
            f"INSERT INTO {table.name} ({', '.join(columns)}{extra}, source_file) "
            f"SELECT {selected}, $source FROM {table.staged}",
            {"source": source, "dataset": dataset} if extra else {"source": source},
        ).fetchone()
        written[table.name] = int(row[0]) if row else 0
    return written, superseded


def drop_staged(con: duckdb.DuckDBPyConnection, keep: set[str]) -> None:
    """Drop the temp tables an import made (every one not in `keep`, those there before it)."""
    for name in temp_tables(con) - keep:
        con.execute(f"DROP TABLE IF EXISTS temp.{name}")

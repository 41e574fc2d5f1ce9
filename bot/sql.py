"""Parameterised SQL over the canonical results schema: the named queries of queries.sql, never user text in SQL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

import duckdb

QUERIES_FILE = "queries.sql"
NAME_LINE = "-- name: "


@cache
def queries() -> dict[str, str]:
    """The named queries of queries.sql. Each takes named parameters ($election, $council, $party, ...) and is
    shown to the user with those values written in as literals; it is run with them bound, never pasted."""
    text = resources.files("bot").joinpath(QUERIES_FILE).read_text(encoding="utf-8")
    named: dict[str, list[str]] = {}
    lines: list[str] = []
    for line in text.splitlines():
        if line.startswith(NAME_LINE):
            lines = named.setdefault(line[len(NAME_LINE):].strip(), [])
        else:
            lines.append(line)
    return {name: _body("\n".join(body)) for name, body in named.items()}


def _body(sql: str) -> str:
    """A query without the comments that introduce the next one, and without its closing semicolon."""
    lines = sql.strip().splitlines()
    while lines and (lines[-1].startswith("--") or not lines[-1].strip()):
        lines.pop()
    return "\n".join(lines).rstrip(";")


PARAMETER = re.compile(r"\$([a-z_]+)")


@dataclass(frozen=True, slots=True)
class QueryResult:
    """The SQL as shown to the user, and its rows as plain dictionaries."""

    sql: str
    rows: list[dict[str, Any]]

    def then(self, other: QueryResult) -> QueryResult:
        """Both queries, as one answer shows them: the SQL one after the other, the rows together."""
        return QueryResult(f"{self.sql}\n;\n{other.sql}", self.rows + other.rows)


def run_query(connection: duckdb.DuckDBPyConnection, name: str, **params: Any) -> QueryResult:
    """Run a named query with bound parameters; returns the displayable SQL and the rows."""
    template = queries()[name]
    used = PARAMETER.findall(template)
    missing = set(used) - set(params)
    if missing:
        raise ValueError(f"query {name!r} needs {sorted(missing)}")
    cursor = connection.execute(template, {k: v for k, v in params.items() if k in used})
    columns = [d[0] for d in cursor.description]
    rows = [dict(zip(columns, (_plain(v) for v in row), strict=True)) for row in cursor.fetchall()]
    return QueryResult(render_sql(template, params), rows)


def render_sql(template: str, params: dict[str, Any]) -> str:
    """The template with each parameter written as a SQL literal, for people to read and re-run."""
    return PARAMETER.sub(lambda m: _literal(params[m.group(1)]), template)


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return "'" + str(value).replace("'", "''") + "'"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value

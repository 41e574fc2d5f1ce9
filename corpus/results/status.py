"""What results the store holds: counts per table and a summary of the data issues."""

from __future__ import annotations

import duckdb

from corpus.store import Store

TABLES = (
    "sources",
    "elections",
    "by_elections",
    "authorities",
    "constituencies",
    "parties",
    "wards",
    "ward_results",
    "candidacies",
    "seats_won",
    "council_control",
    "council_composition",
    "council_composition_by_year",
    "constituency_results",
    "constituency_votes",
    "constituency_candidacies",
    "national_results",
    "national_councillors",
    "party_names",
    "definitions",
    "councillors",
    "skipped_contests",
)


def results_status(store: Store) -> dict[str, str]:
    """Rows per results table, and data issues by kind (works on a read-only store)."""
    con = store.connection
    try:
        counts = {table: count_rows(con, table) for table in TABLES}
        issues = con.execute("SELECT kind, count(*) FROM data_issues GROUP BY kind ORDER BY 2 DESC, 1").fetchall()
    except duckdb.CatalogException:
        return {"results": "no results tables: open the store writable once (any `hustings ingest`) to create them"}
    status = {table: str(count) for table, count in counts.items()}
    total = sum(int(n) for _, n in issues)
    status["data_issues"] = f"{total} ({', '.join(f'{kind} {n}' for kind, n in issues)})" if issues else "0"
    unreconciled = [name for (name,) in con.execute(
        "SELECT DISTINCT area_name FROM data_issues WHERE kind LIKE 'unresolved_%' AND area_name IS NOT NULL "
        "ORDER BY 1").fetchall()]
    if unreconciled:
        # every one, so a newsroom can see which names a file of codes would join
        status["unreconciled"] = (f"{len(unreconciled)} names no file gives a code for (answered by name from what "
                                  f"there is): {', '.join(unreconciled)}")
    return status


def count_rows(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Rows in one table."""
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0

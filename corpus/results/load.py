"""Importing results files: detect the format, stage the file, replace its rows, reconcile, cross-check."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

from corpus.results.checks import record_issues
from corpus.results.detect import detect_format
from corpus.results.errors import ResultsFileError
from corpus.results.parties import seed_parties
from corpus.results.places import rebuild_authorities, rebuild_constituencies, recode_authorities, resolve_names
from corpus.results.records import ImportReport
from corpus.results.write import (
    FACT_TABLES,
    drop_staged,
    map_staged_codes,
    replace_facts,
    replace_names,
    temp_tables,
)
from corpus.store import Store, StoreError


def import_results(store: Store, path: Path) -> ImportReport:
    """Import one results file, its format detected from its header, in one transaction.

    Re-importing a file (known by its name) replaces every row it wrote before; its facts also replace other
    files' rows for the same election and council or constituency (see corpus/results/FORMAT.md).

    Args:
        store: a store opened writable.
        path: the results file.

    Returns:
        What the import wrote, replaced and took, with the data issues now in the store.

    Raises:
        ResultsFileError: the file is unreadable, of no known format, or has a bad line (named); nothing of
            it was imported and the store is as it was.
        StoreError: the store is open read-only.
    """
    if store.read_only:
        raise StoreError(f"{store.path} is open read-only: open it writable to import results")
    path = Path(path)
    started = time.perf_counter()
    fmt = detect_format(path)
    source = path.name
    con = store.connection
    before = temp_tables(con)
    try:
        with store.transaction():
            seed_parties(con)
            fmt.stage(con, path, fmt)
            replace_names(con, source)
            rebuild_authorities(con)
            rebuild_constituencies(con)
            recode_authorities(con, [(t.name, t.key) for t in FACT_TABLES if t.authority])
            map_staged_codes(con)
            written, superseded = replace_facts(con, source, fmt.dataset)
            resolve_names(con)
            record_source(store, path, fmt.id, fmt.dataset, fmt.licence, sum(written.values()))
            issues = record_issues(con)
    finally:
        drop_staged(con, keep=before)
    return ImportReport(
        file=path,
        format=fmt.id,
        rows=dict(written),
        seconds=time.perf_counter() - started,
        superseded=superseded,
        issues=issues,
    )


def import_results_files(store: Store, paths: Iterable[Path]) -> tuple[list[ImportReport], list[ResultsFileError]]:
    """Import several files, each on its own: a bad file is reported and the others still load."""
    reports: list[ImportReport] = []
    errors: list[ResultsFileError] = []
    for path in paths:
        try:
            reports.append(import_results(store, path))
        except ResultsFileError as error:
            errors.append(error)
    return reports, errors


def record_source(store: Store, path: Path, format_id: str, dataset: str, licence: str | None, rows: int) -> None:
    """Record (or replace) the file in `sources`; a canonical file's dataset is the datasets its rows name."""
    con = store.connection
    if format_id == "canonical":
        named = con.execute(
            "SELECT string_agg(DISTINCT coalesce(dataset, ''), '; ' ORDER BY coalesce(dataset, '')) FROM canon "
            "WHERE dataset IS NOT NULL"
        ).fetchone()
        dataset = named[0] if named and named[0] else f"canonical results file {path.name}"
    con.execute(
        "INSERT OR REPLACE INTO sources (file, path, format, dataset, licence, rows, imported_at) "
        "VALUES ($file, $path, $format, $dataset, $licence, $rows, current_timestamp)",
        {
            "file": path.name,
            "path": str(path.resolve()),
            "format": format_id,
            "dataset": dataset,
            "licence": licence,
            "rows": rows,
        },
    )

"""Importing results files: detect the format, stage the file, replace its rows, reconcile, cross-check.

Nothing stored is lost without a word: a file whose bytes were imported before is skipped, and an import
that would leave any results table with fewer rows than before is undone unless `replace` says to go on.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from corpus.results.checks import record_issues
from corpus.results.control import settle_control
from corpus.results.detect import detect_format
from corpus.results.errors import ResultsFileError
from corpus.results.parties import seed_parties
from corpus.results.places import rebuild_authorities, rebuild_constituencies, recode_authorities, resolve_names
from corpus.results.provenance import dataset_of
from corpus.results.records import Dataset, ImportReport, shrinkage
from corpus.results.write import (
    FACT_TABLES,
    drop_staged,
    map_staged_codes,
    replace_facts,
    replace_names,
    temp_tables,
)
from corpus.store import Store, StoreError


def import_results(store: Store, path: Path, replace: bool = False, again: bool = False) -> ImportReport:
    """Import one results file, its format detected from its header, in one transaction.

    A file is known by its bytes and its name. The same bytes imported before (under any name) are not
    imported again. A file of a name imported before replaces every row that file wrote; its facts also
    replace other files' rows for the same election and council or constituency (corpus/results/FORMAT.md).

    Args:
        store: a store opened writable.
        path: the results file.
        replace: go on even if the import leaves a results table with fewer rows than before.
        again: import it even if the same bytes were imported before (a newer hustings reads it better).

    Returns:
        What the import wrote, replaced and took, with the data issues now in the store.

    Raises:
        ResultsFileError: the file is unreadable, of no known format, has a bad line (named), or would
            remove rows without `replace`; nothing of it was imported and the store is as it was.
        StoreError: the store is open read-only.
    """
    if store.read_only:
        raise StoreError(f"{store.path} is open read-only: open it writable to import results")
    path = Path(path)
    started = time.perf_counter()
    fmt = detect_format(path)
    dataset = dataset_of(path, fmt)
    source = path.name
    con = store.connection
    digest = _sha256(path)
    seen = con.execute("SELECT file FROM sources WHERE sha256 = $digest", {"digest": digest}).fetchone()
    if seen and not again:
        return ImportReport(file=path, format=fmt.id, rows={}, seconds=time.perf_counter() - started,
                            already=seen[0])
    held, earlier = _row_counts(store), _earlier(store, source)
    before = temp_tables(con)
    try:
        with store.transaction():
            seed_parties(con)
            fmt.stage(con, path, fmt)
            settle_control(con)
            replace_names(con, source)
            rebuild_authorities(con)
            rebuild_constituencies(con)
            recode_authorities(con, [(t.name, t.key) for t in FACT_TABLES if t.authority])
            map_staged_codes(con)
            written, superseded = replace_facts(con, source, dataset.named)
            resolve_names(con)
            record_source(store, path, fmt.id, dataset, sum(written.values()), digest)
            removed = {t: (held[t], n) for t, n in _row_counts(store).items() if n < held[t]}
            if removed and not replace:
                raise ResultsFileError(path, f"importing it would leave fewer rows in the store: "
                                       f"{shrinkage(removed)}{earlier}",
                                       fix="import it with --replace if that is what you want")
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
        removed=removed,
    )


def import_results_files(
    store: Store, paths: Iterable[Path], replace: bool = False, again: bool = False
) -> tuple[list[ImportReport], list[ResultsFileError]]:
    """Import several files, each on its own: a bad file is reported and the others still load."""
    reports: list[ImportReport] = []
    errors: list[ResultsFileError] = []
    for path in paths:
        try:
            reports.append(import_results(store, path, replace=replace, again=again))
        except ResultsFileError as error:
            errors.append(error)
    return reports, errors


def record_source(store: Store, path: Path, format_id: str, dataset: Dataset, rows: int, sha256: str) -> None:
    """Record (or replace) the file in `sources`. A canonical file with no sidecar is the datasets its rows name."""
    con = store.connection
    if format_id == "canonical" and not dataset.publisher:
        named = con.execute(
            "SELECT string_agg(DISTINCT dataset, '; ' ORDER BY dataset) FROM canon WHERE dataset IS NOT NULL"
        ).fetchone()
        if named and named[0]:
            dataset = dataclasses.replace(dataset, title=named[0])
    con.execute(
        "INSERT OR REPLACE INTO sources (file, path, format, dataset, licence, rows, imported_at, sha256, title, "
        "publisher, url, retrieved) VALUES ($file, $path, $format, $dataset, $licence, $rows, $now, "
        "$sha256, $title, $publisher, $url, $retrieved)",
        {
            "file": path.name,
            "path": str(path.resolve()),
            "format": format_id,
            "dataset": dataset.named,
            "licence": dataset.licence,
            "rows": rows,
            "sha256": sha256,
            "title": dataset.title,
            "publisher": dataset.publisher or None,
            "url": dataset.url,
            "retrieved": dataset.retrieved,
            "now": datetime.now(UTC).replace(tzinfo=None),  # stored as UTC whatever the machine's zone
        },
    )


def _sha256(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def _row_counts(store: Store) -> dict[str, int]:
    """Rows in each results table (the lookup tables aside: a file may rightly name fewer wards)."""
    return {t.name: int(store.connection.execute(f"SELECT count(*) FROM {t.name}").fetchone()[0])  # type: ignore[index]
            for t in FACT_TABLES if not t.reference}


def _earlier(store: Store, source: str) -> str:
    """" (it replaces leap.csv, imported 2026-12-01 from /data/leap.csv)", when a file of that name was."""
    row = store.connection.execute(
        "SELECT path, imported_at::DATE FROM sources WHERE file = $file", {"file": source}).fetchone()
    return f" (it replaces {source}, imported {row[1]} from {row[0]})" if row else ""

"""The datasets behind the results, as answers credit them: one per imported file, read once per store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb

from corpus.results.records import Dataset

# Figures loaded this recently are said with the time they were loaded ("as loaded at 02:14 UTC"): on election
# night a file is loaded again as wards declare, and a reader must know how fresh a count is.
FRESH = timedelta(hours=24)
LOADED_AT = ", as loaded at "  # how `Source.cited` says it, before "HH:MM UTC"


@dataclass(frozen=True, slots=True)
class Source:
    """One imported results file: the dataset it is, when it was loaded and the rows it gave."""

    file: str
    dataset: Dataset
    loaded_at: datetime  # UTC
    rows: int
    format: str

    def cited(self, now: datetime | None = None) -> str:
        """ "House of Commons Library, Local elections 2022 (CBP-9545): …, Open Parliament Licence v3.0" """
        now = now or datetime.now(UTC)
        fresh = now - self.loaded_at < FRESH
        return self.dataset.credit + (f"{LOADED_AT}{self.loaded_at:%H:%M} UTC" if fresh else "")

    def as_json(self) -> dict[str, Any]:
        """The answer contract's `datasets` entry."""
        return {"title": self.dataset.title, "publisher": self.dataset.publisher or None,
                "licence": self.dataset.licence, "url": self.dataset.url}


def load_sources(connection: duckdb.DuckDBPyConnection) -> dict[str, Source]:
    """Every imported results file by name (one imported before datasets had titles: its `dataset` line)."""
    rows = connection.execute(
        "SELECT file, coalesce(title, dataset), coalesce(publisher, ''), licence, url, retrieved, imported_at, rows, "
        "format FROM sources").fetchall()
    return {file: Source(file, Dataset(title, publisher, licence, url, retrieved),
                         loaded.replace(tzinfo=UTC) if loaded.tzinfo is None else loaded, count, fmt)
            for file, title, publisher, licence, url, retrieved, loaded, count, fmt in rows}


def without_load_times(text: str) -> str:
    """An answer's text without the times its files were loaded at (no figure of the answer)."""
    first, *rest = text.split(LOADED_AT)
    return first + "".join(part[len("00:00 UTC"):] for part in rest)

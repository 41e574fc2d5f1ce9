"""What the store is made of, for `hustings status` and `GET /sources`: every results dataset with its licence,
rows and load time, and every outlet the articles come from with its count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import duckdb

NO_OUTLET = "(no outlet given)"


@dataclass(frozen=True, slots=True)
class DatasetEntry:
    """One imported results file, as the dataset it is."""

    file: str
    title: str
    publisher: str | None
    licence: str | None
    url: str | None
    rows: int
    loaded_at: datetime  # UTC, aware
    retrieved: date | None
    format: str

    def __str__(self) -> str:
        said = ", ".join(p for p in (self.publisher, self.title) if p)
        return (f"{said} · {self.licence or 'no licence given'} · {self.rows:,} rows · loaded "
                f"{self.loaded_at:%Y-%m-%d %H:%M} UTC ({self.file})")


@dataclass(frozen=True, slots=True)
class OutletEntry:
    """The articles of one outlet (`source` in a manifest or front matter)."""

    source: str
    articles: int
    with_url: int

    def __str__(self) -> str:
        return f"{self.source} · {self.articles:,} articles ({self.with_url:,} with a URL)"


def catalogue(con: duckdb.DuckDBPyConnection) -> tuple[list[DatasetEntry], list[OutletEntry]]:
    """The datasets (newest load first) and the outlets (most articles first) the store holds."""
    datasets = [DatasetEntry(file, title, publisher, licence, url, rows, loaded.replace(tzinfo=UTC), retrieved, fmt)
                for file, title, publisher, licence, url, rows, loaded, retrieved, fmt in con.execute(
        "SELECT file, coalesce(title, dataset), publisher, licence, url, rows, imported_at, retrieved, format "
        "FROM sources ORDER BY imported_at DESC, file").fetchall()]
    outlets = [OutletEntry(*row) for row in con.execute(
        "SELECT coalesce(nullif(trim(source), ''), $none), count(*), count(url) FROM articles "
        "GROUP BY 1 ORDER BY 2 DESC, 1", {"none": NO_OUTLET}).fetchall()]
    return datasets, outlets

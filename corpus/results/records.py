"""What a results import hands back, and what a results format is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

# A format's stage function: read the file into temporary `new_<table>` tables (see corpus.results.write).
Stager = Callable[[duckdb.DuckDBPyConnection, Path, "ResultsFormat"], None]


@dataclass(frozen=True, slots=True)
class Dataset:
    """Where a results file's figures come from, as an answer credits them and `GET /sources` lists them."""

    title: str
    publisher: str
    licence: str | None = None
    url: str | None = None
    retrieved: date | None = None  # when this copy was obtained: the sidecar's date, else the file's own

    @property
    def named(self) -> str:
        """ "House of Commons Library, General election 2024: results by constituency" """
        return ", ".join(part for part in (self.publisher, self.title) if part)

    @property
    def credit(self) -> str:
        """ "House of Commons Library, General election 2024: results by constituency, Open Parliament Licence v3.0" """
        return ", ".join(part for part in (self.publisher, self.title, self.licence) if part)


@dataclass(frozen=True, slots=True)
class ResultsFormat:
    """A results file format: whether it has a header row, its columns (in order) and who publishes it."""

    id: str
    dataset: str  # the dataset's title, without its publisher
    licence: str | None
    columns: tuple[tuple[str, str], ...]  # (name, DuckDB type) in file order
    stage: Stager
    header: bool = True
    nullstr: tuple[str, ...] = ("",)
    description: str = ""
    publisher: str = ""
    url: str | None = None
    # A format each publisher prints its own name in (a council's own results): the columns of the file's first
    # row that name the publisher and its page, over the format's generic `publisher` and `url`.
    publisher_column: str | None = None
    url_column: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """The column names, in file order."""
        return tuple(name for name, _ in self.columns)

    @property
    def source(self) -> Dataset:
        """The dataset a file of this format is, unless a sidecar beside the file says otherwise."""
        return Dataset(self.dataset, self.publisher, self.licence, self.url)


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What importing one results file did to the store."""

    file: Path
    format: str
    rows: dict[str, int]  # table -> rows this file now holds there
    seconds: float
    superseded: dict[str, int] = field(default_factory=dict)  # table -> rows of other files it replaced
    issues: int = 0  # data issues in the whole store after this import
    removed: dict[str, tuple[int, int]] = field(default_factory=dict)  # table -> rows before, after (--replace)
    already: str | None = None  # the same bytes were imported before, as this file: nothing was done

    @property
    def total_rows(self) -> int:
        """All rows written, over every table."""
        return sum(self.rows.values())

    def __str__(self) -> str:
        if self.already is not None:
            return f"{self.file.name}: unchanged, the same file was imported before as {self.already}; nothing to do"
        tables = ", ".join(f"{table} {count}" for table, count in self.rows.items() if count)
        line = f"{self.file.name} ({self.format}): {tables or 'no rows'} in {self.seconds:.2f}s"
        if self.superseded:
            replaced = ", ".join(f"{table} {n}" for table, n in self.superseded.items())
            line += f"; replaced {replaced} from other files"
        if self.removed:
            line += "; as asked (--replace), the store now holds fewer rows: " + shrinkage(self.removed)
        return line


def shrinkage(removed: dict[str, tuple[int, int]]) -> str:
    """ "candidacies 34,539 -> 18,581, seats_won 5,210 -> 4,002" """
    return ", ".join(f"{table} {before:,} -> {after:,}" for table, (before, after) in removed.items())

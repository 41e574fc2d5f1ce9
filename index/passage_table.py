"""A generation's passages in position order, written beside its indexes, so a search needs no database trip.

Fetching a search's hits from DuckDB took one query: 0.7 ms on a warm machine, and 1.5-5 ms once other
processes had taken the caches (`make bench-peers`), as much as embedding the query and both searches
together. The table is two files: the texts end to end in UTF-8, memory-mapped, so pages are read as hits
need them and the server's memory does not grow with the corpus; and one row of numbers per passage.
"""

from __future__ import annotations

import json
import mmap
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from corpus.records import Passage

TEXTS_FILE = "passage_texts.bin"
ROWS_FILE = "passage_rows.npy"
ARTICLES_FILE = "passage_articles.json"
ROW = np.dtype([("text_end", "<i8"), ("article", "<i4"), ("ordinal", "<i4"), ("start", "<i8"), ("end", "<i8")])


def write_passage_table(folder: Path, passages: Sequence[Passage]) -> None:
    """Write the table of `passages`, given in position order, into `folder`."""
    with PassageTableWriter(folder, len(passages)) as writer:
        writer.add(passages)
        writer.finish()


class PassageTableWriter:
    """Writes a table of `count` passages given in position order, a batch at a time; texts stream to disk."""

    def __init__(self, folder: Path, count: int) -> None:
        self.folder = folder
        self.rows = np.zeros(count, dtype=ROW)
        self.article_of: dict[str, int] = {}
        self.texts = (folder / TEXTS_FILE).open("wb")
        self.written = self.position = 0

    def __enter__(self) -> PassageTableWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.texts.close()  # after `finish`, or when a build fails midway

    def add(self, passages: Iterable[Passage]) -> None:
        """The next passages."""
        for passage in passages:
            self.written += self.texts.write(passage.text.encode("utf-8"))
            article = self.article_of.setdefault(passage.article_id, len(self.article_of))
            self.rows[self.position] = (self.written, article, passage.ordinal, passage.start, passage.end)
            self.position += 1

    def finish(self) -> None:
        """Write the rows and the article list, once every passage is in."""
        self.texts.close()
        if self.position != len(self.rows):
            raise ValueError(f"{self.position} passages written to a table of {len(self.rows)}")
        np.save(self.folder / ROWS_FILE, self.rows)
        (self.folder / ARTICLES_FILE).write_text(json.dumps(list(self.article_of)), encoding="utf-8")


class PassageTable:
    """Passage records by generation position: row i describes the passage the indexes call position i."""

    def __init__(self, rows: np.ndarray, texts: bytes | mmap.mmap, article_ids: list[str]) -> None:
        self.rows = rows
        self.texts = texts
        self.article_ids = article_ids
        self._article_number = {article_id: n for n, article_id in enumerate(article_ids)}
        self._by_article: tuple[np.ndarray, np.ndarray] | None = None  # see `positions_of`

    @classmethod
    def load(cls, folder: Path) -> PassageTable:
        """Read a table written by `write_passage_table`; the texts stay on disk, mapped."""
        rows = np.load(folder / ROWS_FILE, mmap_mode="r")
        if rows.dtype != ROW:
            raise ValueError(f"{folder / ROWS_FILE} has rows of {rows.dtype}, expected {ROW}")
        article_ids = json.loads((folder / ARTICLES_FILE).read_text(encoding="utf-8"))
        if len(rows) and not 0 <= int(rows["article"].min()) <= int(rows["article"].max()) < len(article_ids):
            raise ValueError(f"{folder / ROWS_FILE} names articles {folder / ARTICLES_FILE} does not list")
        with (folder / TEXTS_FILE).open("rb") as handle:
            size = handle.seek(0, 2)
            if size != (int(rows["text_end"][-1]) if len(rows) else 0):
                raise ValueError(f"{folder / TEXTS_FILE} holds {size} bytes, the rows say otherwise")
            # An empty file cannot be mapped; a mapping outlives the handle that made it.
            texts = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        return cls(rows, texts, article_ids)

    def __len__(self) -> int:
        return len(self.rows)

    def positions_of(self, article_id: str) -> np.ndarray:
        """The positions of one article's passages, in order (none for an article the table lacks)."""
        number = self._article_number.get(article_id)
        if number is None:
            return np.zeros(0, dtype=np.int64)
        if self._by_article is None:
            self._by_article = self._group_by_article()
        order, starts = self._by_article
        return order[starts[number] : starts[number + 1]].astype(np.int64)

    def _group_by_article(self) -> tuple[np.ndarray, np.ndarray]:
        """Positions grouped by article (in position order within each) and where each article's group starts:
        made on the first look-up, as scanning every row's article per look-up costs tens of ms at 10M rows."""
        articles = np.asarray(self.rows["article"])
        order = np.argsort(articles, kind="stable").astype(np.int32 if len(articles) < 2**31 else np.int64)
        starts = np.searchsorted(articles[order], np.arange(len(self.article_ids) + 1))
        return order, starts

    def passage(self, position: int) -> Passage:
        """The passage at `position`."""
        row = self.rows[position]
        begin = int(self.rows[position - 1]["text_end"]) if position else 0
        text = self.texts[begin : int(row["text_end"])].decode("utf-8")
        return Passage(self.article_ids[int(row["article"])], int(row["ordinal"]), int(row["start"]),
                       int(row["end"]), text)

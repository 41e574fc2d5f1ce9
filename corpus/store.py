"""The one place DuckDB is opened: coverage tables, index state, schema in `schema.sql`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from corpus.generations import Writer, WriterBusy, current_store
from corpus.records import Article, Passage


class StoreError(Exception):
    """The store cannot be opened or used as asked."""


class StoreMissing(StoreError):
    """There is no store in the data directory yet."""


class StoreBusy(StoreError):
    """Another process is writing the store."""


class StoreOutOfDate(StoreError):
    """The store was made by an older hustings and lacks tables or columns this one reads."""


KEY_WINDOW = 50_000  # passage keys read per query when every passage is read in key order
# DuckDB's buffer pool may otherwise grow to 80% of the machine's memory, keeping pages a process has read or
# written: the 10M scale bench's store write held 8.5 GiB 40% of the way in; capped, the whole write peaked at
# 2.6 GiB. Beyond the cap DuckDB evicts pages and spills sorts to disk; ten million rows with both passage
# indexes (key, id) fit in 0.4 GiB.
MEMORY_LIMIT = "2GB"

# What a citation shows of its article: title, date, outlet and URL.
CitationFields = tuple[str, date | None, str | None, str | None]


@dataclass(frozen=True, slots=True)
class StoredPassage:
    """A passage as stored, with the integer key the indexes use and its article's citation fields."""

    key: int
    passage: Passage
    title: str
    published: date | None
    source: str | None = None  # the outlet, where the article names one
    url: str | None = None


@dataclass(frozen=True, slots=True)
class IndexState:
    """Which index generation matches the stored passages."""

    checksum: str
    model: str
    dimension: int
    passages: int


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """What re-ingest needs to know about an article already in the store."""

    id: str
    path: str | None
    content_hash: str


@cache
def _schema() -> str:
    return resources.files("corpus").joinpath("schema.sql").read_text(encoding="utf-8")


def _columns(connection: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """Every (table, column) of the main database's tables."""
    return set(connection.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database() "
        "AND NOT internal"
    ).fetchall())


@cache
def _schema_columns() -> frozenset[tuple[str, str]]:
    """Every (table, column) schema.sql makes, read by making it in memory once."""
    scratch = duckdb.connect()
    try:
        scratch.execute(_schema())
        return frozenset(_columns(scratch))
    finally:
        scratch.close()


class Store:
    """A DuckDB file of coverage (and results); open read-only to answer, writable to ingest.

    Opened writable, a store is a new generation (corpus/generations.py): a copy of the current one, written
    while readers keep answering from theirs, published whole when it is closed and only if it changed.
    """

    def __init__(self, connection: duckdb.DuckDBPyConnection, path: Path, read_only: bool,
                 writer: Writer | None = None) -> None:
        self.connection = connection
        self.path = path
        self.read_only = read_only
        self._writer = writer
        self.changed = False  # something was written: closing publishes a new generation
        # Titles and dates of articles, by id: fixed while a store is open read-only (a published generation is
        # never written again), so they are read once and a search makes no query for them.
        self._citation_fields: dict[str, CitationFields] = {}

    @classmethod
    def open(cls, data_dir: Path, read_only: bool = False) -> Store:
        """Open the current generation read-only, or (writable) begin the next one, creating the store."""
        if read_only:
            path = current_store(data_dir)
            if path is None:
                raise StoreMissing(f"no store in {data_dir}: run `hustings ingest` first")
            return cls._connect(path, read_only=True)
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        try:
            writer = Writer.begin(Path(data_dir))
        except WriterBusy as error:
            raise StoreBusy(str(error)) from None
        try:
            store = cls._connect(writer.scratch, read_only=False, writer=writer)
        except BaseException:
            writer.abandon()
            raise
        return store

    @classmethod
    def _connect(cls, path: Path, read_only: bool, writer: Writer | None = None) -> Store:
        try:
            connection = duckdb.connect(str(path), read_only=read_only, config={"memory_limit": MEMORY_LIMIT})
        except duckdb.IOException as error:
            if "lock" in str(error).lower():
                raise StoreBusy(
                    f"{path} is open in another process (an older hustings that writes in place?): "
                    "stop it and try again"
                ) from error
            raise StoreError(f"cannot open {path}: {error}") from error
        if not read_only:
            before = _columns(connection)
            connection.execute(_schema())
            store = cls(connection, path, read_only, writer)
            store.changed = _columns(connection) != before  # a new store, or one brought up to date
            return store
        missing = sorted(_schema_columns() - _columns(connection))
        if missing:
            connection.close()
            shown = ", ".join(f"{table}.{column}" for table, column in missing[:4])
            raise StoreOutOfDate(f"{path} was made by an older hustings and lacks {shown}"
                                 f"{' and more' if len(missing) > 4 else ''}: run `hustings ingest` once (any "
                                 "folder or results file) to bring it up to date; nothing stored is lost")
        return cls(connection, path, read_only)

    def close(self) -> None:
        """Close the connection; a writable store that changed is published as the current generation."""
        if self._writer is None:
            self.connection.close()
            return
        writer, self._writer = self._writer, None
        try:
            if self.changed:
                self.connection.execute("CHECKPOINT")
            self.connection.close()
        except BaseException:
            writer.abandon()
            raise
        if self.changed:
            self.path = writer.publish()
        else:
            writer.abandon()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside commits together or not at all."""
        self.connection.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")
        self.changed = True

    # ------------------------------------------------------------------ articles

    def stored_articles(self) -> dict[str, StoredArticle]:
        """Every stored article's id, source path and content hash."""
        rows = self.connection.execute("SELECT id, path, content_hash FROM articles").fetchall()
        return {row[0]: StoredArticle(*row) for row in rows}

    def write_articles(self, articles: Sequence[Article]) -> None:
        """Insert articles, replacing any stored under the same id."""
        if not articles:
            return
        columns = {
            "id": [a.id for a in articles],
            "title": [a.title for a in articles],
            "published": [a.published for a in articles],
            "source": [a.source for a in articles],
            "url": [a.url for a in articles],
            "path": [a.path for a in articles],
            "meta": [json.dumps(a.meta, ensure_ascii=False) for a in articles],
            "text": [a.text for a in articles],
            "content_hash": [a.content_hash for a in articles],
        }
        names = ", ".join(columns)
        unnests = ", ".join(f"unnest(${i + 1})" for i in range(len(columns)))
        self.connection.execute(f"INSERT OR REPLACE INTO articles ({names}) SELECT {unnests}", list(columns.values()))

    def delete_articles(self, article_ids: Iterable[str]) -> int:
        """Delete articles and their passages; returns how many articles went."""
        ids = list(article_ids)
        if not ids:
            return 0
        self.delete_passages(ids)
        row = self.connection.execute("DELETE FROM articles WHERE list_contains($1, id) RETURNING id", [ids])
        return len(row.fetchall())

    # ------------------------------------------------------------------ passages

    def delete_passages(self, article_ids: Sequence[str]) -> None:
        """Delete the passages of these articles."""
        if article_ids:
            self.connection.execute("DELETE FROM passages WHERE list_contains($1, article_id)", [list(article_ids)])

    def insert_passages(self, passages: Sequence[Passage]) -> list[int]:
        """Insert passages; returns their new keys in the same order."""
        if not passages:
            return []
        columns = [
            [p.id for p in passages],
            [p.article_id for p in passages],
            [p.ordinal for p in passages],
            [p.start for p in passages],
            [p.end for p in passages],
            [p.text for p in passages],
            [p.text_hash for p in passages],
        ]
        rows = self.connection.execute(
            "INSERT INTO passages (id, article_id, ordinal, start_char, end_char, text, text_hash) "
            "SELECT unnest($1), unnest($2), unnest($3), unnest($4), unnest($5), unnest($6), unnest($7) "
            "RETURNING id, key",
            columns,
        ).fetchall()
        key_of = dict(rows)
        return [key_of[p.id] for p in passages]

    def passage_keys_of(self, article_ids: Sequence[str]) -> dict[str, int]:
        """Text hash -> key of the stored passages of these articles."""
        if not article_ids:
            return {}
        rows = self.connection.execute(
            "SELECT text_hash, key FROM passages WHERE list_contains($1, article_id)", [list(article_ids)]
        ).fetchall()
        return dict(rows)

    def passage_keys(self) -> tuple[np.ndarray, list[str]]:
        """All passage keys in key order, with their text hashes."""
        rows = self.connection.execute("SELECT key, text_hash FROM passages ORDER BY key").fetchnumpy()
        return rows["key"].astype(np.int64), [str(h) for h in rows["text_hash"]]

    def stream_passage_keys(self) -> Iterator[tuple[np.ndarray, list[str]]]:
        """`passage_keys` a window of keys at a time (no other query may run meanwhile)."""
        for rows in self._in_key_order("key, text_hash"):
            yield np.array([row[0] for row in rows], dtype=np.int64), [str(row[1]) for row in rows]

    def passage_texts(self, keys: Sequence[int]) -> list[str]:
        """Texts of the passages with these keys, in the order given."""
        rows = self.connection.execute(
            "SELECT key, text FROM passages SEMI JOIN (SELECT unnest($1) AS key) wanted USING (key)",
            [list(map(int, keys))],
        ).fetchall()
        text_of = dict(rows)
        return [text_of[int(k)] for k in keys]

    def passages_in_key_order(self) -> list[Passage]:
        """Every stored passage, in key order (the order of `passage_keys`)."""
        return list(self.stream_passages_in_key_order())

    def stream_passages_in_key_order(self) -> Iterator[Passage]:
        """Every stored passage, in key order, read a window of keys at a time: no other query may run meanwhile."""
        for rows in self._in_key_order("article_id, ordinal, start_char, end_char, text"):
            yield from (Passage(*row) for row in rows)

    def _in_key_order(self, columns: str) -> Iterator[list[tuple[Any, ...]]]:
        """Rows of `columns` of every passage in key order, one query per `KEY_WINDOW` keys.

        One ORDER BY over the whole table makes DuckDB gather and sort every row before the first comes
        back: at 10M passages, 5 GB of text held (or spilled) by the builder. Keys come from a sequence, so
        each ingest's passages lie together in the table and a window's range filter skips the row groups
        outside it (DuckDB's min/max per row group); each window is sorted alone.
        """
        low, high = self.connection.execute("SELECT min(key), max(key) FROM passages").fetchone() or (None, None)
        if low is None:
            return
        for start in range(int(low), int(high) + 1, KEY_WINDOW):
            rows = self.connection.execute(
                f"SELECT {columns} FROM passages WHERE key >= ? AND key < ? ORDER BY key", [start, start + KEY_WINDOW]
            ).fetchall()
            if rows:
                yield rows

    def passages_by_keys(self, keys: Sequence[int]) -> list[StoredPassage]:
        """Passages with their article's title and date, in the order of `keys` (missing keys dropped)."""
        if not len(keys):
            return []
        # Primary-key lookups; a join with articles (full texts and all) costs twice as much.
        wanted = [int(k) for k in keys]
        rows = self.connection.execute(
            "SELECT key, article_id, ordinal, start_char, end_char, text FROM passages "
            f"WHERE key IN ({', '.join('?' * len(wanted))})",
            wanted,
        ).fetchall()
        articles = self.citation_fields({row[1] for row in rows})
        found = {row[0]: StoredPassage(row[0], Passage(*row[1:]), *articles[row[1]]) for row in rows}
        return [found[k] for k in wanted if k in found]

    def article_titles(self) -> dict[str, str]:
        """Every article's title, by id."""
        return dict(self.connection.execute("SELECT id, title FROM articles").fetchall())

    def citation_fields(self, article_ids: Iterable[str]) -> dict[str, CitationFields]:
        """Title, date, outlet and URL of each article named, by id (every article's at once, kept, when
        read-only)."""
        wanted = set(article_ids)
        if self.read_only:
            if not self._citation_fields:
                self._citation_fields = self._titles_and_dates("")
            return self._citation_fields
        return self._titles_and_dates("WHERE list_contains($1, id)", [sorted(wanted)]) if wanted else {}

    def _titles_and_dates(self, where: str, parameters: list[object] | None = None) -> dict[str, CitationFields]:
        rows = self.connection.execute(
            f"SELECT id, title, published, source, url FROM articles {where}", parameters).fetchall()
        return {row[0]: (row[1], row[2], row[3], row[4]) for row in rows}

    def article_text(self, article_id: str) -> str | None:
        """The full text of one article, or None."""
        row = self.connection.execute("SELECT text FROM articles WHERE id = $1", [article_id]).fetchone()
        return row[0] if row else None

    # ------------------------------------------------------------------ index state

    def index_state(self) -> IndexState | None:
        """The index generation the passages were last committed with, if any."""
        row = self.connection.execute("SELECT checksum, model, dimension, passages FROM index_state").fetchone()
        return IndexState(*row) if row else None

    def set_index_state(self, state: IndexState) -> None:
        """Record the index generation that matches the passages (call inside the same transaction)."""
        self.connection.execute(
            "INSERT OR REPLACE INTO index_state (singleton, checksum, model, dimension, passages, built_at) "
            "VALUES (true, $1, $2, $3, $4, current_timestamp)",
            [state.checksum, state.model, state.dimension, state.passages],
        )

    def coverage_counts(self) -> dict[str, int]:
        """How many articles and passages are stored."""
        articles, passages = self.connection.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM passages)"
        ).fetchone() or (0, 0)
        return {"articles": int(articles), "passages": int(passages)}

"""The store's own file: an older store is brought up to date by a writable open, never read half-known."""

from __future__ import annotations

from pathlib import Path

import pytest

import corpus.store as store_module
from corpus.records import Article, Passage
from corpus.store import Store, StoreOutOfDate


def test_a_store_made_by_an_older_hustings_is_refused_read_only_and_updated_by_a_writable_open(
    tmp_path: Path,
) -> None:
    with Store.open(tmp_path) as store:
        store.connection.execute("ALTER TABLE constituency_results DROP COLUMN winner_gender")
        store.connection.execute("DROP TABLE ward_results")
    with pytest.raises(StoreOutOfDate, match=r"lacks constituency_results.winner_gender.*run `hustings ingest`"):
        Store.open(tmp_path, read_only=True)
    Store.open(tmp_path).close()  # what any ingest does first
    with Store.open(tmp_path, read_only=True) as store:
        assert store.connection.execute("SELECT count(*) FROM ward_results").fetchone() == (0,)


def test_every_passage_streams_in_key_order_across_windows_and_the_gaps_deletions_leave(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "KEY_WINDOW", 3)
    with Store.open(tmp_path) as store:
        for name in ("early", "gone", "late", "later"):  # one ingest after another: keys rise
            text = f"{name} one. {name} two. {name} three."
            store.write_articles([Article(name, name.title(), text)])
            store.insert_passages([Passage(name, n, 0, len(text), f"{name} {n}") for n in range(3)])
        store.delete_articles(["gone"])  # keys 4-6: a window with nothing left in it
        in_order = store.connection.execute("SELECT key, text FROM passages ORDER BY key").fetchall()
        streamed = list(store.stream_passage_keys())
        assert len(streamed) > 1 and all(len(keys) <= 3 for keys, _ in streamed)
        assert [int(k) for keys, _ in streamed for k in keys] == [key for key, _ in in_order]
        assert [p.text for p in store.stream_passages_in_key_order()] == [text for _, text in in_order]
        assert store.passage_keys()[0].tolist() == [key for key, _ in in_order]
    with Store.open(tmp_path / "empty") as empty:
        assert list(empty.stream_passages_in_key_order()) == [] and list(empty.stream_passage_keys()) == []


def test_every_connection_caps_duckdb_s_memory_well_below_the_machine_s(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    for read_only in (False, True):
        with Store.open(tmp_path, read_only=read_only) as store:
            limit = store.connection.execute("SELECT current_setting('memory_limit')").fetchone()
            assert limit is not None and limit[0] == "1.8 GiB"  # DuckDB's words for MEMORY_LIMIT, 2 GB

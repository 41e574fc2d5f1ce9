"""Store generations: a writer works on its own copy and publishes it whole; readers keep theirs meanwhile."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from corpus.generations import CURRENT, LEGACY_FILE, STORES, current_store
from corpus.store import Store, StoreBusy

REPO = Path(__file__).resolve().parents[2]


def write_row(data_dir: Path, value: str) -> None:
    """One writing session that stores `value` as an article id."""
    with Store.open(data_dir) as store, store.transaction():
        store.connection.execute(
            "INSERT INTO articles (id, title, text, content_hash) VALUES ($1, $1, 'text', $1)", [value])


def ids(store: Store) -> list[str]:
    return [row[0] for row in store.connection.execute("SELECT id FROM articles ORDER BY id").fetchall()]


def test_a_reader_keeps_its_generation_while_a_writer_publishes_the_next(tmp_path: Path) -> None:
    write_row(tmp_path, "first")
    with Store.open(tmp_path, read_only=True) as reader:
        write_row(tmp_path, "second")  # no lock in the way: the writer has its own copy
        assert ids(reader) == ["first"]
        with Store.open(tmp_path, read_only=True) as later:
            assert ids(later) == ["first", "second"]
            assert later.path != reader.path and current_store(tmp_path) == later.path


def test_a_writer_that_changes_nothing_publishes_nothing(tmp_path: Path) -> None:
    write_row(tmp_path, "first")
    published = current_store(tmp_path)
    with Store.open(tmp_path) as store:
        assert ids(store) == ["first"]
    assert current_store(tmp_path) == published
    assert sorted(p.name for p in (tmp_path / STORES).iterdir()) == [published.name]  # type: ignore[union-attr]


def test_one_writer_at_a_time(tmp_path: Path) -> None:
    with Store.open(tmp_path) as first:
        with pytest.raises(StoreBusy, match=f"being written by process {os.getpid()}"):
            Store.open(tmp_path)
        assert not first.read_only
    Store.open(tmp_path).close()  # the lock went with the first writer


def test_a_writer_killed_mid_write_leaves_the_published_generation_and_the_next_writer_clears_up(
        tmp_path: Path) -> None:
    write_row(tmp_path, "first")
    published = current_store(tmp_path)
    script = textwrap.dedent(f"""
        import sys, time
        from corpus.store import Store
        store = Store.open({str(tmp_path)!r})
        with store.transaction():
            store.connection.execute("INSERT INTO articles (id, title, text, content_hash) "
                                     "VALUES ('half', 'half', 'text', 'half')")
        print("written", flush=True)
        time.sleep(60)
    """)
    writer = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None and writer.stdout.readline().strip() == "written"
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert current_store(tmp_path) == published
    with Store.open(tmp_path, read_only=True) as reader:
        assert ids(reader) == ["first"]
    assert any(".writing" in p.name for p in (tmp_path / STORES).iterdir())  # the dead writer's scratch
    write_row(tmp_path, "second")
    assert not any(".writing" in p.name for p in (tmp_path / STORES).iterdir())
    with Store.open(tmp_path, read_only=True) as reader:
        assert ids(reader) == ["first", "second"]


def test_old_generations_are_removed_but_the_last_three(tmp_path: Path) -> None:
    for n in range(5):
        write_row(tmp_path, f"row-{n}")
    assert sorted(p.name for p in (tmp_path / STORES).iterdir()) == ["000003.duckdb", "000004.duckdb",
                                                                      "000005.duckdb"]
    assert (tmp_path / CURRENT).read_text().strip() == "000005.duckdb"


def test_a_store_made_before_generations_is_read_and_then_copied_into_the_first(tmp_path: Path) -> None:
    write_row(tmp_path, "old")
    legacy = tmp_path / LEGACY_FILE
    current_store(tmp_path).rename(legacy)  # type: ignore[union-attr]
    (tmp_path / CURRENT).unlink()
    with Store.open(tmp_path, read_only=True) as reader:
        assert reader.path == legacy and ids(reader) == ["old"]
    write_row(tmp_path, "new")
    assert not legacy.exists()
    with Store.open(tmp_path, read_only=True) as reader:
        assert ids(reader) == ["new", "old"]


def test_a_published_generation_is_a_complete_duckdb_file(tmp_path: Path) -> None:
    write_row(tmp_path, "first")
    path = current_store(tmp_path)
    assert path is not None and not Path(f"{path}.wal").exists()
    started = time.perf_counter()
    with duckdb.connect(str(path), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM articles").fetchone() == (1,)
    assert time.perf_counter() - started < 30

"""The store's own file: an older store is brought up to date by a writable open, never read half-known."""

from __future__ import annotations

from pathlib import Path

import pytest

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

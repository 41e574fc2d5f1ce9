"""Fixtures for the results importers: a fresh writable store in tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty store, opened writable, in its own data directory."""
    with Store.open(tmp_path / "var") as opened:
        yield opened

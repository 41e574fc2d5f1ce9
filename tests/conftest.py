"""Shared fixtures: the shared data folder, a tiny deterministic embedder, and the real one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from index.embed import Embedder
from tests.helpers import HashEmbedder

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
MODEL_CACHE = Path(os.environ.get("HUSTINGS_MODEL_CACHE", Path.home() / ".cache" / "hustings" / "models"))


@pytest.fixture(scope="session")
def shared() -> Path:
    """../shared beside the repository; CI must have it, elsewhere its tests are skipped."""
    if not (SHARED / "SPEC.md").exists():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED} is missing: CI runs with ../shared beside the repository")
        pytest.skip(f"{SHARED} is not here")
    return SHARED


@pytest.fixture(scope="session")
def seeds(shared: Path) -> Path:
    """The seed articles with their manifest."""
    return shared / "corpus" / "seeds"


@pytest.fixture
def hash_embedder() -> HashEmbedder:
    """Deterministic bag-of-words vectors: for plumbing, not meaning."""
    return HashEmbedder()


@pytest.fixture(scope="session")
def real_embedder() -> Embedder:
    """all-MiniLM-L6-v2, int8 ONNX, loaded once per test session."""
    return Embedder.load(MODEL_CACHE)

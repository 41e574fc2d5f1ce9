"""Shared fixtures: ../shared, a tiny deterministic embedder, the real one, and a store of public results."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.ask import Bot
from corpus.results import import_results
from corpus.store import Store
from index.embed import Embedder
from tests.helpers import MORE_FILES, PUBLIC_FILES, HashEmbedder, bot_over, results_store

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SAMPLE = Path(__file__).resolve().parents[1] / "corpus" / "sample"
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


@pytest.fixture(scope="session")
def sample_dir(real_embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding the project's own sample (articles and results), as `make run` serves it."""
    from corpus.results import import_results_files
    from index.build import ingest

    data_dir = tmp_path_factory.mktemp("sample")
    with Store.open(data_dir) as store:
        _, errors = import_results_files(store, sorted((SAMPLE / "results").glob("*.csv")))
    assert not errors, errors
    ingest([SAMPLE / "articles"], data_dir, real_embedder)
    return data_dir


@pytest.fixture(scope="session")
def sample_bot(sample_dir: Path, real_embedder: Embedder) -> Iterator[Bot]:
    """The full bot over the project's own sample."""
    opened = Bot.open(sample_dir, real_embedder)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def results_dir(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory whose store holds every public results file."""
    data_dir = tmp_path_factory.mktemp("results")
    with Store.open(data_dir) as store:
        for name in PUBLIC_FILES:
            import_results(store, shared / "data" / name)
    return data_dir


@pytest.fixture(scope="session")
def bot(results_dir: Path) -> Iterator[Bot]:
    """The bot over the public results, opened read-only as a server would."""
    opened = Bot.open(results_dir)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def more_dir(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory whose store holds every public results file, the councillor rosters and Trafford's own."""
    return results_store(tmp_path_factory.mktemp("more"), [shared / "data" / n for n in (*PUBLIC_FILES, *MORE_FILES)])


@pytest.fixture(scope="session")
def more_bot(more_dir: Path) -> Iterator[Bot]:
    """The bot over the public results, the councillor rosters and Trafford Council's own results."""
    yield from bot_over(more_dir)


@pytest.fixture(scope="session")
def coverage_bot(
    shared: Path, results_dir: Path, real_embedder: Embedder, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Bot]:
    """The full bot: public results, the seed articles, and the BBC politics articles as distractors."""
    from index.build import ingest
    from tests.bench.ingest import bbc_paths

    data_dir = tmp_path_factory.mktemp("coverage")
    with Store.open(data_dir) as store:
        for name in PUBLIC_FILES:
            import_results(store, shared / "data" / name)
    politics = [p for p in bbc_paths(shared) if p.parent.name == "politics"]
    ingest([shared / "corpus" / "seeds", *politics], data_dir, real_embedder)
    opened = Bot.open(data_dir, real_embedder)
    yield opened
    opened.close()

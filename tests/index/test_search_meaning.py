"""Retrieval with the real model over the real seed articles."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.build import ingest
from index.embed import BATCH_SIZE, Embedder
from index.generation import INDEX_DIR
from index.hybrid import PassageIndex


@pytest.fixture(scope="module")
def seed_index(seeds: Path, real_embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> PassageIndex:
    data_dir = tmp_path_factory.mktemp("seeds")
    report = ingest([seeds], data_dir, real_embedder)
    assert (report.new, report.failed) == (3, 0)
    return PassageIndex.open(data_dir, real_embedder)


def test_dorothy_stewart_question_finds_the_bins_passage_first(seed_index: PassageIndex) -> None:
    [first, *_] = seed_index.search("Why won't Dorothy Stewart vote Labour?", k=5)
    assert "The bins are a problem" in first.stored.passage.text
    assert first.stored.passage.article_id == "000_e0cb5800c4680bae"


def test_a_paraphrase_without_shared_words_still_finds_the_passage(seed_index: PassageIndex) -> None:
    hits = seed_index.search("pensioner in Grimsby unhappy about rubbish collection", k=3)
    assert any("The bins are a problem" in h.stored.passage.text for h in hits)
    assert hits[0].dense_rank is not None


def test_hits_cite_exact_article_characters(seed_index: PassageIndex) -> None:
    for hit in seed_index.search("John Curtice on Labour in the north", k=5):
        text = seed_index.store.article_text(hit.stored.passage.article_id)
        assert text is not None
        assert text[hit.stored.passage.start : hit.stored.passage.end] == hit.stored.passage.text
        assert hit.stored.title and hit.stored.published is not None


def test_a_2022_question_prefers_the_2022_article(seed_index: PassageIndex) -> None:
    [first, *_] = seed_index.search("Labour lost control of Hull City Council to the Lib Dems", k=3)
    assert first.stored.passage.article_id == "002_721db8bfaee5e980"


def test_the_same_articles_get_the_same_vectors_whatever_the_hash_seed(shared: Path, tmp_path: Path) -> None:
    # int8 activations are quantised per batch, so the order passages are batched in must not follow a set's
    # order, which changes with each process's hash seed.
    articles = tmp_path / "in"
    articles.mkdir()
    for path in sorted((shared / "data" / "bbc-news-2004-2005" / "politics").glob("0[0-4]*.txt")):
        (articles / path.name).write_bytes(path.read_bytes())
    hustings = Path(sys.executable).with_name("hustings")
    vectors = []
    for seed in ("1", "2"):
        data_dir = tmp_path / f"data-{seed}"
        subprocess.run([str(hustings), "ingest", str(articles), "--data-dir", str(data_dir)], check=True,
                       capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed})
        [folder] = [f for f in (data_dir / INDEX_DIR).iterdir() if not f.name.startswith(".")]
        vectors.append(np.load(folder / "vectors.npy"))
    assert len(vectors[0]) > 2 * BATCH_SIZE
    assert np.array_equal(vectors[0], vectors[1])

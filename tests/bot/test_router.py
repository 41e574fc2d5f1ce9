"""The router's training: its labelled questions' vectors are kept between starts."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bot.router import VECTORS_PREFIX, train_router
from bot.understand import Question
from tests.helpers import HashEmbedder

LABELLED = [("How many seats did Labour win in Hull?", "sql"), ("Why did Labour struggle?", "passages"),
            ("What is the capital of France?", "none"), ("Who won Hull, and why?", "hybrid")]


def test_the_questions_vectors_are_embedded_once_and_kept_for_the_next_start(tmp_path: Path) -> None:
    embedder = HashEmbedder()
    first = train_router(LABELLED, Question, embedder, tmp_path)
    embedded = embedder.texts_embedded
    again = train_router(LABELLED, Question, embedder, tmp_path)
    assert embedded == len(LABELLED) and embedder.texts_embedded == embedded  # the second start embedded nothing
    assert np.array_equal(first.weights, again.weights)
    [cached] = tmp_path.glob(f"{VECTORS_PREFIX}*.npy")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no scratch file left behind


def test_other_questions_are_embedded_afresh_and_replace_the_kept_vectors(tmp_path: Path) -> None:
    embedder = HashEmbedder()
    train_router(LABELLED, Question, embedder, tmp_path)
    [before] = tmp_path.glob(f"{VECTORS_PREFIX}*.npy")
    train_router([*LABELLED, ("Which councils did the Greens gain?", "sql")], Question, embedder, tmp_path)
    assert embedder.texts_embedded == 2 * len(LABELLED) + 1
    [after] = tmp_path.glob(f"{VECTORS_PREFIX}*.npy")
    assert after != before


def test_a_damaged_cache_is_embedded_again(tmp_path: Path) -> None:
    embedder = HashEmbedder()
    train_router(LABELLED, Question, embedder, tmp_path)
    [cached] = tmp_path.glob(f"{VECTORS_PREFIX}*.npy")
    cached.write_bytes(b"not an array")
    train_router(LABELLED, Question, embedder, tmp_path)
    assert embedder.texts_embedded == 2 * len(LABELLED)
    assert np.load(cached).shape == (len(LABELLED), embedder.dimension)

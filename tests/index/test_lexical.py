"""BM25 in shards scores passages as one index of them all would, and searches them as one."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
import Stemmer

import index.lexical as lexical_module
from index.lexical import LexicalBuilder, LexicalIndex

WORDS = ("turnout ballot council ward seat majority swing recount candidate polling station count leader "
         "manifesto coalition hustings canvass marginal incumbent deposit").split()


def passages(count: int, seed: int = 0, drift: bool = False) -> list[str]:
    """Texts of twelve words each, drawn unevenly from a small vocabulary (a few words are rare); with `drift`,
    the rare words are the common ones, as an archive's later years talk of other things."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, len(WORDS) + 1) ** 1.2
    weights = weights[::-1] if drift else weights
    picks = rng.choice(len(WORDS), size=(count, 12), p=weights / weights.sum())
    return [" ".join(WORDS[w] for w in row) for row in picks]


QUERIES = ["hustings deposit", "marginal incumbent swing", "recount", "turnout in the ward", "no such words"]


@pytest.fixture
def texts() -> list[str]:
    return passages(1_500) + passages(1_500, seed=1, drift=True)  # shards of 1,000 see other words' shares


@pytest.fixture
def sharded(texts: list[str], monkeypatch: pytest.MonkeyPatch) -> LexicalIndex:
    with monkeypatch.context() as patch:
        patch.setattr(lexical_module, "SHARD_PASSAGES", 1_000)
        patch.setattr(lexical_module, "TOKENIZE_BATCH", 300)  # shards fill between batches, not on their edges
        return LexicalIndex.build(texts)


def test_shards_score_as_one_index_of_every_passage_would(texts: list[str], sharded: LexicalIndex) -> None:
    whole = LexicalIndex.build(texts)
    assert len(whole.shards) == 1 and len(sharded.shards) == 3
    for query in QUERIES:
        every = np.arange(len(texts))
        # Only the length normalisation differs (each shard's mean length): within a per cent here.
        assert np.allclose(sharded.scores_at(query, every), whole.scores_at(query, every), rtol=0.01, atol=1e-6)
        found, scores = sharded.search(query, 10)
        truth, truth_scores = whole.search(query, 10)
        assert np.allclose(scores, truth_scores, rtol=0.01)
        # Many passages tie on so small a vocabulary: what the shards find scores as the truth does in one index.
        assert np.allclose(whole.scores_at(query, found), truth_scores, rtol=0.01)
    assert len(sharded.search("no such words", 10)[0]) == 0


def test_a_sharded_index_saves_loads_and_counts_holders_across_shards(
    texts: list[str], sharded: LexicalIndex, tmp_path: Path
) -> None:
    sharded.save(tmp_path)
    loaded = LexicalIndex.load(tmp_path, size=len(texts))
    assert len(loaded.shards) == 3
    for query in QUERIES:
        assert all(np.array_equal(a, b) for a, b in zip(loaded.search(query, 10), sharded.search(query, 10),
                                                        strict=True))
    holders = sum("hustings" in text.split() for text in texts)
    assert loaded.passages_holding(Stemmer.Stemmer("english").stemWord("hustings")) == holders > 0
    with pytest.raises(ValueError, match="indexes 3000 passages"):
        LexicalIndex.load(tmp_path, size=2_000)


def test_a_builder_with_a_folder_writes_each_shard_as_it_fills_and_keeps_it_mapped(
    texts: list[str], sharded: LexicalIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lexical_module, "SHARD_PASSAGES", 1_000)
    builder = LexicalBuilder(tmp_path)
    for start in range(0, 2_100, 300):
        builder.add(texts[start : start + 300])
    shard_dirs = sorted((tmp_path / lexical_module.FOLDER_NAME).glob("shard-*"))
    assert [d.name for d in shard_dirs] == ["shard-0000", "shard-0001"]  # written before the build ends
    assert all(isinstance(s.retriever.scores["data"], np.memmap) for s in builder.shards)  # not held in memory
    builder.add(texts[2_100:])
    built = builder.finish()
    built.save(tmp_path)  # the vocabulary; the shards mapped from these files are left as they are
    loaded = LexicalIndex.load(tmp_path, size=len(texts))
    assert len(loaded.shards) == 3
    for query in QUERIES:
        for index in (built, loaded):
            assert all(np.array_equal(a, b) for a, b in zip(index.search(query, 10), sharded.search(query, 10),
                                                            strict=True))
    loaded.save(tmp_path)  # saving a loaded index where it lies rewrites nothing
    again = LexicalIndex.load(tmp_path, size=len(texts))
    assert np.array_equal(again.search("recount", 10)[0], sharded.search("recount", 10)[0])


def test_search_ranks_best_first_with_ties_in_position_order() -> None:
    index = LexicalIndex.build(["recount", "ballot recount", "recount", "ballot"])
    positions, scores = index.search("recount", 5)
    assert positions.tolist() == [0, 2, 1] and scores[0] == scores[1] > scores[2]


def test_scores_at_some_positions_are_the_scores_a_search_gives_them(texts: list[str], sharded: LexicalIndex) -> None:
    rng = np.random.default_rng(3)
    for length in (1, 3, 8):
        query = " ".join(rng.choice(WORDS, length))
        found, scores = sharded.search(query, 50)
        shuffled = rng.permutation(len(found))  # any order, any shard
        assert np.allclose(sharded.scores_at(query, found[shuffled]), scores[shuffled], rtol=1e-6)
        missing = np.setdiff1d(np.arange(len(texts)), sharded.search(query, len(texts))[0])
        assert not sharded.scores_at(query, missing).any()  # passages holding no query term score nothing


def test_the_compiled_sum_and_numpy_s_agree(texts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    index = LexicalIndex.build(texts)
    compiled = [index.search(q, 20) for q in QUERIES]
    monkeypatch.setattr(lexical_module, "_csc_matvec", None)
    for (positions, scores), query in zip(compiled, QUERIES, strict=True):
        by_numpy = index.search(query, 20)
        assert np.array_equal(positions, by_numpy[0]) and np.allclose(scores, by_numpy[1], rtol=1e-6)


def test_postings_naming_a_passage_outside_the_index_are_refused_not_summed(texts: list[str]) -> None:
    index = LexicalIndex.build(texts)
    postings = index.shards[0].retriever.scores
    postings["indices"] = postings["indices"].copy()
    postings["indices"][-1] = len(texts) + 5  # as a damaged file would
    with pytest.raises(ValueError, match="outside the shard"):
        for word in WORDS:
            index.search(word, 5)


@pytest.mark.parametrize("size", [10_000, 10_007, 300])  # whole blocks, a remainder, fewer blocks than k
def test_ranking_by_block_bounds_keeps_the_rows_ranking_every_row_would(
    size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lexical_module, "BLOCK", 16)
    rng = np.random.default_rng(size)
    for _ in range(20):
        scores = np.zeros(size, dtype=np.float32)
        scored = rng.choice(size, int(rng.integers(0, size)), replace=False)
        scores[scored] = rng.choice(np.linspace(0.5, 8, 40), len(scored))  # few distinct values: many ties
        floor = float(rng.choice([0.0, 3.0, 7.9]))
        k = int(rng.integers(1, 80))
        rows, found = lexical_module._best_above(scores, k, floor)
        above = np.sort(scores[scores > floor])[::-1]
        assert np.array_equal(np.sort(found)[::-1], above[:k])  # the k best scores above the floor, each once
        assert np.array_equal(scores[rows], found) and len(set(rows.tolist())) == len(rows)


def test_shards_searched_in_runs_on_threads_find_exactly_what_one_search_finds(sharded: LexicalIndex) -> None:
    # Twenty words over 3,000 passages: many passages tie, at every cut; the first in position order are kept.
    with ThreadPoolExecutor(2) as threads:
        for runs in (1, 2, 3, 7):
            for query in QUERIES:
                for k in (1, 10, 200):
                    positions, scores = sharded.start_search(query, k, threads, runs)()
                    expected_positions, expected_scores = sharded.search(query, k)
                    assert positions.tolist() == expected_positions.tolist()
                    assert np.array_equal(scores, expected_scores)
    one = LexicalIndex.build(["recount", "ballot recount", "recount", "ballot"])
    with ThreadPoolExecutor(1) as threads:
        assert one.start_search("recount", 2, threads, 4)()[0].tolist() == [0, 2]


def test_a_cut_through_tied_scores_keeps_the_first_passages() -> None:
    index = LexicalIndex.build(["recount"] * 6 + ["ballot recount"])
    assert index.search("recount", 3)[0].tolist() == [0, 1, 2]

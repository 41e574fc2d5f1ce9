from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.dense import EXACT_BELOW, DenseIndex, index_kind, ivf_cells


def clustered_vectors(count: int, dimension: int = 32, clusters: int = 20, seed: int = 0) -> np.ndarray:
    """Unit vectors around a few centres, like passages about a few topics."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, dimension))
    vectors = centres[rng.integers(0, clusters, count)] + 0.3 * rng.normal(size=(count, dimension))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def test_small_corpora_get_an_exact_index_and_large_ones_an_inverted_file() -> None:
    assert index_kind(11_000) == "Flat"
    assert index_kind(EXACT_BELOW - 1) == "Flat"
    assert index_kind(EXACT_BELOW).startswith("IVF") and index_kind(EXACT_BELOW).endswith(",SQ8")
    assert index_kind(10, exact_below=0) == "Flat"  # too few vectors to cluster, whatever the threshold
    assert ivf_cells(1_000_000) == 2048 and ivf_cells(100_000) == 512


def test_exact_index_finds_every_vector_itself(tmp_path: Path) -> None:
    vectors = clustered_vectors(500)
    index = DenseIndex.build(vectors)
    assert index.kind == "exact"
    positions, scores = index.search(vectors[123], 3)
    assert positions[0] == 123 and abs(scores[0] - 1.0) < 1e-5


def test_inverted_file_above_the_threshold_survives_save_and_load_with_its_probes(tmp_path: Path) -> None:
    vectors = clustered_vectors(3_000)
    built = DenseIndex.build(vectors, exact_below=1_000)
    assert built.kind.startswith("ivf")
    built.save(tmp_path)
    loaded = DenseIndex.load(tmp_path)
    assert len(loaded) == 3_000 and loaded.kind == built.kind
    exact = DenseIndex.build(vectors)
    agree = []
    for row in range(0, 3_000, 100):
        found, scores = loaded.search(vectors[row], 10)
        truth, _ = exact.search(vectors[row], 10)
        assert found[0] == row and abs(scores[0] - 1.0) < 0.02  # quantised scores stay close to the cosine
        agree.append(len(set(found.tolist()) & set(truth.tolist())) / 10)
    assert np.mean(agree) >= 0.8


def test_searching_an_empty_index_finds_nothing() -> None:
    index = DenseIndex.build(np.zeros((0, 8), dtype=np.float32))
    positions, scores = index.search(np.ones(8, dtype=np.float32), 5)
    assert len(positions) == len(scores) == 0


def test_from_the_pq_threshold_candidates_are_scored_again_exactly_from_mapped_vectors(tmp_path: Path) -> None:
    np.save(tmp_path / "vectors.npy", clustered_vectors(10_000, dimension=64))
    vectors = np.load(tmp_path / "vectors.npy", mmap_mode="r")  # built from the file, never read whole
    built = DenseIndex.build(vectors, exact_below=1_000, pq_from=5_000)
    assert " pq64 " in built.kind
    built.save(tmp_path)
    with pytest.raises(ValueError, match="float vectors"):
        DenseIndex.load(tmp_path)
    loaded = DenseIndex.load(tmp_path, vectors)
    exact = DenseIndex.build(vectors)
    agree = []
    for row in range(0, 10_000, 250):
        query = np.asarray(vectors[row])
        found, scores = loaded.search(query, 10)
        assert np.allclose(scores, np.asarray(vectors[found]) @ query, atol=1e-5)  # cosines, not PQ estimates
        assert found[0] == row and list(scores) == sorted(scores, reverse=True)
        agree.append(len(set(found.tolist()) & set(exact.search(query, 10)[0].tolist())) / 10)
    assert np.mean(agree) >= 0.9


def test_index_kinds_by_size() -> None:
    assert index_kind(1_000_000).endswith(",SQ8")
    assert index_kind(10_000_000) == "IVF8192,PQ64"

"""Dense retrieval: a FAISS inner-product index over unit vectors (cosine similarity), its type chosen by size.

Below `EXACT_BELOW` passages the index is exact (IndexFlatIP): one query scans every vector, at most ~7-15 ms
on one core at 100k passages of 384 floats, and nothing is ever missed. Above it a scan grows with the corpus
(~100 ms at 1M) and the float vectors alone take 1.5 GiB, so the index becomes an inverted file of
scalar-quantised vectors (IVF, SQ8): k-means cells from a sample, each query scanning the nearest
1/`PROBE_SHARE` of the cells, vectors stored at one byte per dimension (a quarter of the memory, scores within
~1%). Measured on 100k vectors derived from real passages (`make bench-scale`, one thread): IVF512,SQ8 at
nprobe 32 finds 98.6% of the exact top 10 in 0.2 ms, from a 38 MiB index built in 2.5 s; HNSW32 builds in
11 s into 172 MiB and finds 88% at faiss' default efSearch. IVF rather than HNSW because every ingest
rebuilds the index from scratch, so build time and memory count, and IVF's recall is one knob (nprobe).
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import faiss
import numpy as np

FILE_NAME = "dense.faiss"
EXACT_BELOW = 100_000
MIN_IVF = 1_000  # k-means needs a few hundred vectors to find cells; below this, exact is cheap anyway
TRAIN_PER_CELL = 40  # k-means sample per cell: faiss asks for at least 39
TRAIN_ITERATIONS = 10  # k-means rounds: cells barely move after ten, and training is most of the build
PROBE_SHARE = 16  # scan 1/16 of the cells per query: recall@10 0.986 of exact at 100k, 0.2 ms


def ivf_cells(count: int) -> int:
    """IVF cells for `count` vectors: the power of two nearest 2 * sqrt(count).

    faiss suggests 4-16 * sqrt(n); fewer, larger cells train in a quarter of the time on two cores, and
    each query still scans only `1/PROBE_SHARE` of the vectors.
    """
    return 2 ** max(4, round(math.log2(2 * math.sqrt(max(count, 1)))))


def index_kind(count: int, exact_below: int = EXACT_BELOW) -> str:
    """The FAISS factory string for an index of `count` vectors."""
    return "Flat" if count < max(exact_below, MIN_IVF) else f"IVF{ivf_cells(count)},SQ8"


class DenseIndex:
    """Cosine search over passage vectors; row i of the index is position i of the generation."""

    def __init__(self, index: faiss.Index) -> None:
        self.index = index
        # One query at a time gains nothing from OpenMP threads at this size, and their spin-waiting
        # steals the cores ONNX Runtime needs to embed the next query (median search 20 ms -> 12 ms).
        faiss.omp_set_num_threads(1)
        try:
            ivf = faiss.extract_index_ivf(index)
        except RuntimeError:  # not an inverted file: exact search
            self.kind = "exact"
        else:
            ivf.nprobe = max(1, ivf.nlist // PROBE_SHARE)
            self.kind = f"ivf{ivf.nlist} nprobe {ivf.nprobe}"

    @classmethod
    def build(cls, vectors: np.ndarray, exact_below: int = EXACT_BELOW) -> DenseIndex:
        """Index unit-length float32 vectors (n, dimension): exact below `exact_below`, IVF-SQ8 above."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        kind = index_kind(len(vectors), exact_below)
        index = faiss.index_factory(vectors.shape[1], kind, faiss.METRIC_INNER_PRODUCT)
        if kind != "Flat":
            # Training and adding are batch work: use every core, then go back to one for queries.
            faiss.omp_set_num_threads(os.cpu_count() or 1)
            ivf = faiss.extract_index_ivf(index)
            ivf.cp.niter = TRAIN_ITERATIONS
            cells = ivf.nlist
            sample = np.random.default_rng(0).choice(len(vectors), min(len(vectors), TRAIN_PER_CELL * cells),
                                                     replace=False)
            index.train(vectors[np.sort(sample)])
        if len(vectors):
            for start in range(0, len(vectors), 100_000):  # bounded scratch memory while encoding
                index.add(vectors[start : start + 100_000])
        return cls(index)

    @classmethod
    def load(cls, folder: Path) -> DenseIndex:
        """Read the index written by `save`."""
        return cls(faiss.read_index(str(folder / FILE_NAME)))

    def save(self, folder: Path) -> None:
        """Write the index into `folder`."""
        faiss.write_index(self.index, str(folder / FILE_NAME))

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Positions and cosine scores of the `k` nearest vectors, best first."""
        k = min(k, len(self))
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        scores, positions = self.index.search(query.reshape(1, -1).astype(np.float32), k)
        keep = positions[0] >= 0
        return positions[0][keep], scores[0][keep]

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

From `PQ_FROM` passages even one byte per dimension is too much for a server (3.6 GiB at 10M) and a sixteenth
of the cells too many to scan, so the codes are product-quantised (`PQ_BYTES` bytes a vector) and a query
scans 1/`PQ_PROBE_SHARE` of the cells (`PQ_MIN_PROBES` at least); PQ scores are rough, so the best `RESCORED`
candidates (or `RERANK` x k, if more) are scored again exactly against the float vectors, which stay on disk
memory-mapped (1.5 MB of rows read a query). Measured on the kept 10M benchmark index (IVF8192,PQ64; a one-off
measurement over nprobe x pool, 127 real questions, machine quiet): re-scoring the best 40 found 59% of the
exact top 10, 200 found 91%, 500 98.5%, 1,000 99.7%, at any nprobe from 32 to 512: the PQ ranking, not the
cells probed, loses the near-ties. Probing 1/64 of the cells costs 10 ms there (1/32: 17 ms); the benchmark's
derived vectors cluster tightly round their ~900 copies, so the measured recall held down to 1/256, but a real
archive spreads wider and keeps the margin.

Building never holds the float matrix: `vectors` may be a memory-mapped file; the training sample and each
batch added are read from it as needed.
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
PQ_FROM = 2_000_000  # from here, IVF-PQ: SQ8 codes would pass 730 MiB (PQ64 codes: 122 MiB)
PQ_BYTES = 64  # one byte for each 6 of the 384 dimensions
PQ_PROBE_SHARE = 64
PQ_MIN_PROBES = 16  # a small IVF-PQ (few, large cells) still probes this many
RESCORED = 1_000  # IVF-PQ candidates scored again exactly, at least
RERANK = 4  # ... or this many per result asked for, if more
ADD_BATCH = 100_000  # vectors read and encoded at a time: bounded scratch memory


def ivf_cells(count: int) -> int:
    """IVF cells for `count` vectors: the power of two nearest 2 * sqrt(count).

    faiss suggests 4-16 * sqrt(n); fewer, larger cells train in a quarter of the time on two cores, and
    each query still scans only `1/PROBE_SHARE` of the vectors.
    """
    return 2 ** max(4, round(math.log2(2 * math.sqrt(max(count, 1)))))


def index_kind(count: int, exact_below: int = EXACT_BELOW, pq_from: int = PQ_FROM) -> str:
    """The FAISS factory string for an index of `count` vectors."""
    if count < max(exact_below, MIN_IVF):
        return "Flat"
    return f"IVF{ivf_cells(count)},{'SQ8' if count < pq_from else f'PQ{PQ_BYTES}'}"


class DenseIndex:
    """Cosine search over passage vectors; row i of the index is position i of the generation."""

    def __init__(self, index: faiss.Index, vectors: np.ndarray | None = None) -> None:
        self.index = index
        # One query at a time gains nothing from OpenMP threads at this size, and their spin-waiting
        # steals the cores ONNX Runtime needs to embed the next query (median search 20 ms -> 12 ms).
        faiss.omp_set_num_threads(1)
        self.vectors: np.ndarray | None = None  # the float vectors, for re-scoring product-quantised candidates
        try:
            ivf = faiss.extract_index_ivf(index)
        except RuntimeError:  # not an inverted file: exact search
            self.kind = "exact"
            return
        product_quantised = isinstance(faiss.downcast_index(ivf), faiss.IndexIVFPQ)
        if product_quantised:
            ivf.nprobe = min(ivf.nlist, max(PQ_MIN_PROBES, ivf.nlist // PQ_PROBE_SHARE))
        else:
            ivf.nprobe = max(1, ivf.nlist // PROBE_SHARE)
        self.kind = f"ivf{ivf.nlist} nprobe {ivf.nprobe}"
        if product_quantised:
            if vectors is None:
                raise ValueError("an IVF-PQ index needs its float vectors to score its candidates exactly")
            self.vectors = vectors
            self.kind = f"ivf{ivf.nlist} pq{ivf.code_size} nprobe {ivf.nprobe}, best {RESCORED} re-scored"

    @classmethod
    def build(cls, vectors: np.ndarray, exact_below: int = EXACT_BELOW, pq_from: int = PQ_FROM) -> DenseIndex:
        """Index unit-length float32 vectors (n, dimension), which may be memory-mapped: exact below
        `exact_below`, IVF-SQ8 above, IVF-PQ from `PQ_FROM`."""
        count, dimension = vectors.shape
        kind = index_kind(count, exact_below, pq_from)
        index = faiss.index_factory(dimension, kind, faiss.METRIC_INNER_PRODUCT)
        if kind != "Flat":
            # Training and adding are batch work: use every core, then go back to one for queries.
            faiss.omp_set_num_threads(os.cpu_count() or 1)
            ivf = faiss.extract_index_ivf(index)
            ivf.cp.niter = TRAIN_ITERATIONS
            product_quantised = faiss.downcast_index(ivf)
            if isinstance(product_quantised, faiss.IndexIVFPQ):
                # The factory asks for polysemous training (codes ordered for Hamming filtering, which search
                # never uses): it took 185 of 188 s of training 10k vectors.
                product_quantised.do_polysemous_training = False  # type: ignore[attr-defined]
            sample = np.random.default_rng(0).choice(count, min(count, TRAIN_PER_CELL * ivf.nlist), replace=False)
            index.train(_rows(vectors, np.sort(sample)))
        for start in range(0, count, ADD_BATCH):
            index.add(_rows(vectors, slice(start, start + ADD_BATCH)))
        return cls(index, vectors)

    @classmethod
    def load(cls, folder: Path, vectors: np.ndarray | None = None) -> DenseIndex:
        """Read the index written by `save`; `vectors` (memory-mapped) are what an IVF-PQ index re-scores with."""
        return cls(faiss.read_index(str(folder / FILE_NAME)), vectors)

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
        query = query.reshape(1, -1).astype(np.float32)
        if self.vectors is None:
            scores, positions = self.index.search(query, k)
            keep = positions[0] >= 0
            return positions[0][keep], scores[0][keep]
        _, candidates = self.index.search(query, min(max(RESCORED, RERANK * k), len(self)))
        rows = np.sort(candidates[0][candidates[0] >= 0])  # in file order: the fewest pages read
        exact = np.asarray(self.vectors[rows], dtype=np.float32) @ query[0]
        best = np.argsort(-exact, kind="stable")[:k]
        return rows[best], exact[best]


def _rows(vectors: np.ndarray, rows: np.ndarray | slice) -> np.ndarray:
    """Some rows of (possibly memory-mapped) vectors as the contiguous float32 array FAISS takes."""
    return np.ascontiguousarray(vectors[rows], dtype=np.float32)

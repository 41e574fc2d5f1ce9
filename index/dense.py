"""Dense retrieval: a FAISS inner-product index over unit vectors (cosine similarity)."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

FILE_NAME = "dense.faiss"


class DenseIndex:
    """Exact cosine search over passage vectors; row i of the index is position i of the generation."""

    def __init__(self, index: faiss.Index) -> None:
        self.index = index
        # One query at a time gains nothing from OpenMP threads at this size, and their spin-waiting
        # steals the cores ONNX Runtime needs to embed the next query (median search 20 ms -> 12 ms).
        faiss.omp_set_num_threads(1)

    @classmethod
    def build(cls, vectors: np.ndarray) -> DenseIndex:
        """Index unit-length float32 vectors (n, dimension)."""
        index = faiss.IndexFlatIP(vectors.shape[1])
        if len(vectors):
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
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

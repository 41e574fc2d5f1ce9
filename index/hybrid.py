"""Hybrid search: dense (FAISS) and lexical (BM25) candidates fused by reciprocal rank."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

import numpy as np

from corpus.store import Store, StoredPassage
from index.embed import TextEmbedder
from index.generation import Generation, load_generation

Ranked = dict[int, tuple[float | None, int | None]]  # position -> one retriever's (score, rank)
RRF_K = 60  # the usual constant: damps the head of each list so neither retriever dominates
MIN_CANDIDATES = 50
# From this many passages BM25 runs on threads of its own while the query is embedded and FAISS searched (its
# postings sums release the GIL), its shards cut into LEXICAL_RUNS runs. Below it BM25 takes a millisecond or
# two, less than waking a thread.
LEXICAL_BESIDE_FROM = 100_000
LEXICAL_RUNS = os.cpu_count() or 2


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A passage found for a query, with the fused score and each retriever's own score and rank."""

    stored: StoredPassage
    score: float
    dense_score: float | None
    dense_rank: int | None
    lexical_score: float | None
    lexical_rank: int | None


class PassageIndex:
    """The searchable coverage: a read-only store, its index generation and the embedder."""

    def __init__(self, store: Store, generation: Generation, embedder: TextEmbedder) -> None:
        self.store = store
        self.generation = generation
        self.embedder = embedder

    @classmethod
    def open(cls, data_dir: Path, embedder: TextEmbedder) -> PassageIndex:
        """Open the store read-only and load its index; raises IndexOutOfDate if they disagree."""
        store = Store.open(data_dir, read_only=True)
        try:
            return cls(store, load_generation(data_dir, store, embedder.name), embedder)
        except Exception:
            store.close()
            raise

    def close(self) -> None:
        """Release the store."""
        self.store.close()

    def __len__(self) -> int:
        return len(self.generation.keys)

    def search(self, query: str, k: int = 5, vector: np.ndarray | None = None) -> list[SearchHit]:
        """The `k` best passages for `query`.

        Args:
            query: free text; it is embedded and tokenised, never interpreted.
            k: how many passages to return.
            vector: the query's embedding, when the caller already has it.

        Returns:
            Hits, best first, fused by reciprocal rank over the dense and BM25 candidate lists.
        """
        if k <= 0 or not query.strip():
            return []
        depth = max(MIN_CANDIDATES, 4 * k)
        bm25 = self.generation.lexical
        if len(bm25) >= LEXICAL_BESIDE_FROM:
            lexical_found = bm25.start_search(query, depth, _lexical_threads(), LEXICAL_RUNS)
        else:
            lexical_found = partial(bm25.search, query, depth)
        if vector is None:
            vector = self.embedder.embed([query])[0]
        fused: dict[int, float] = {}
        dense = _rank(fused, *self.generation.dense.search(vector, depth))
        lexical = _rank(fused, *lexical_found())
        return self._hits(fused, dense, lexical, k)

    def search_within(
        self, article_id: str, query: str, k: int = 5, vector: np.ndarray | None = None
    ) -> list[SearchHit]:
        """The `k` best passages of one article for `query`, scored and fused as `search` does."""
        positions = self.generation.passages.positions_of(article_id)
        if k <= 0 or not len(positions) or not query.strip():
            return []
        if vector is None:
            vector = self.embedder.embed([query])[0]
        fused: dict[int, float] = {}
        dense = _rank(fused, *_best_first(positions, np.asarray(self.generation.vectors[positions]) @ vector))
        scores = self.generation.lexical.scores_at(query, positions)
        lexical = _rank(fused, *_best_first(positions[scores > 0], scores[scores > 0]))
        return self._hits(fused, dense, lexical, k)

    def _hits(self, fused: dict[int, float], dense: Ranked, lexical: Ranked, k: int) -> list[SearchHit]:
        """The `k` best fused positions as hits, read from the generation's passage table (no database query)."""
        best = sorted(fused, key=lambda p: fused[p], reverse=True)[:k]
        table, keys = self.generation.passages, self.generation.keys
        found = [table.passage(position) for position in best]
        citations = self.store.citation_fields({passage.article_id for passage in found})
        hits = []
        for position, passage in zip(best, found, strict=True):
            d_score, d_rank = dense.get(position, (None, None))
            l_score, l_rank = lexical.get(position, (None, None))
            stored = StoredPassage(int(keys[position]), passage, *citations[passage.article_id])
            hits.append(SearchHit(stored, fused[position], d_score, d_rank, l_score, l_rank))
        return hits


@cache
def _lexical_threads() -> ThreadPoolExecutor:
    """The threads large indexes run BM25 on, shared by every search in the process."""
    return ThreadPoolExecutor(max_workers=LEXICAL_RUNS, thread_name_prefix="bm25")


def _best_first(positions: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`positions` and their scores, best first."""
    order = np.argsort(-scores, kind="stable")
    return positions[order], scores[order]


def _rank(fused: dict[int, float], positions: np.ndarray, scores: np.ndarray) -> Ranked:
    """Add one retriever's reciprocal-rank votes to `fused`; returns position -> (score, rank)."""
    ranked: Ranked = {}
    for rank, (position, score) in enumerate(zip(positions.tolist(), scores.tolist(), strict=True), start=1):
        ranked[position] = (score, rank)
        fused[position] = fused.get(position, 0.0) + 1.0 / (RRF_K + rank)
    return ranked

"""Lexical retrieval: BM25 (bm25s) over stemmed, stop-worded passage text."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

FOLDER_NAME = "lexical"


def _tokenizer() -> bm25s.tokenization.Tokenizer:
    return bm25s.tokenization.Tokenizer(stopwords="en", stemmer=Stemmer.Stemmer("english"))


class LexicalIndex:
    """BM25 over passages; document i is position i of the generation."""

    def __init__(self, retriever: bm25s.BM25, tokenizer: bm25s.tokenization.Tokenizer, size: int) -> None:
        self.retriever = retriever
        self.tokenizer = tokenizer
        self.size = size

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalIndex:
        """Tokenise and index the passage texts."""
        tokenizer = _tokenizer()
        retriever = bm25s.BM25()
        if texts:
            ids = tokenizer.tokenize(list(texts), return_as="ids", show_progress=False)
            retriever.index(ids, show_progress=False)
        return cls(retriever, tokenizer, len(texts))

    @classmethod
    def load(cls, folder: Path, size: int) -> LexicalIndex:
        """Read the index written by `save`."""
        path = folder / FOLDER_NAME
        tokenizer = _tokenizer()
        tokenizer.load_vocab(str(path))
        retriever = bm25s.BM25.load(str(path), show_progress=False) if size else bm25s.BM25()
        return cls(retriever, tokenizer, size)

    def save(self, folder: Path) -> None:
        """Write the index and its vocabulary into `folder`."""
        path = folder / FOLDER_NAME
        path.mkdir(parents=True, exist_ok=True)
        if self.size:
            self.retriever.save(str(path), show_progress=False)
        self.tokenizer.save_vocab(str(path))

    def __len__(self) -> int:
        return self.size

    def passages_holding(self, stem: str) -> int:
        """How many passages hold `stem` (a stemmed word as the tokenizer makes it): BM25's document frequency."""
        sid = self.tokenizer.stem_to_sid.get(stem) if self.size else None
        columns = self.retriever.vocab_dict
        column = None if sid is None else columns.get(sid, columns.get(str(sid)))
        if column is None:
            return 0
        indptr = self.retriever.scores["indptr"]
        return int(indptr[int(column) + 1] - indptr[int(column)])

    def search(self, query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Positions and BM25 scores of the `k` best passages with a query term, best first."""
        k = min(k, self.size)
        scores = self.scores(query) if k > 0 else None
        if scores is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        hits = np.flatnonzero(scores)
        if len(hits) > k:
            hits = hits[np.argpartition(scores[hits], -k)[-k:]]
        hits = hits[np.argsort(-scores[hits], kind="stable")]
        return hits.astype(np.int64), scores[hits]

    def scores(self, query: str) -> np.ndarray | None:
        """Every passage's BM25 score for `query` (by position), or None when no query term is indexed."""
        if not self.size:
            return None
        ids = self.tokenizer.tokenize([query], return_as="ids", update_vocab=False, show_progress=False)
        tokens = [t for t in ids[0] if t is not None] if ids else []
        if not tokens:
            return None
        # Sum the query terms' postings ourselves, so `search` can rank only the passages that scored: bm25s'
        # retrieve partitions all `size` scores, mostly zeros, which at 1M passages is ~28 of its ~30 ms
        # (tests/bench/bm25_topk.py). Same scores (bm25s' default Lucene variant scores only postings).
        postings = self.retriever.scores
        data, indices, indptr = postings["data"], postings["indices"], postings["indptr"]
        scores = np.zeros(self.size, dtype=np.float32)
        for token in tokens:
            start, end = indptr[token], indptr[token + 1]
            scores[indices[start:end]] += data[start:end]  # a term's postings name each passage once
        return scores

"""Lexical retrieval: BM25 (bm25s) over stemmed, stop-worded passage text, in shards of a million passages.

Up to `SHARD_PASSAGES` passages the index is one bm25s index, as it always was. Above it, building one bm25s
index needs every passage's token ids as Python lists at once (about 3 GiB per million passages), so the
passages are indexed a shard at a time with one tokenizer (the same token ids in every shard) and written as
each fills. A server memory-maps the postings (one shard or many), so only those a query reads come into memory.

A shard's postings hold idf x term-frequency weight with the shard's own idf; a search rescales each query
term's postings by global idf / shard idf, so a passage scores as it would in one index of every passage (bar
the length normalisation, which uses the shard's mean passage length: the chunker keeps passages to a token
budget, so shards' means differ by a few tokens). Shards are searched one after another, or in runs on threads
(`start_search`: the sums release the GIL), and merged by score.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

try:  # y += A @ x for a CSC matrix A: here one term's postings (scipy comes with bm25s; pinned in the locks)
    from scipy.sparse._sparsetools import csc_matvec as _csc_matvec
except ImportError:  # another scipy layout: numpy does the same sum, slower
    _csc_matvec = None

FOLDER_NAME = "lexical"
SHARD_PASSAGES = 1_000_000
SHARD_PREFIX = "shard-"
TOKENIZE_BATCH = 50_000  # texts tokenised at a time while building
Found = tuple[np.ndarray, np.ndarray]  # positions and their BM25 scores
BLOCK = 1_024  # rows whose best score is taken together when ranking a shard's scores (`_best_above`)


def _tokenizer() -> bm25s.tokenization.Tokenizer:
    return bm25s.tokenization.Tokenizer(stopwords="en", stemmer=Stemmer.Stemmer("english"))


def _idf(documents: int, holding: np.ndarray) -> np.ndarray:
    """bm25s' default (Lucene) idf of terms held by `holding` of `documents` passages."""
    return np.log1p((documents - holding + 0.5) / (holding + 0.5))


@dataclass(slots=True)
class _Shard:
    """One bm25s index over a run of consecutive positions, from `start`."""

    start: int
    size: int
    retriever: bm25s.BM25
    column_of: np.ndarray  # token id -> this shard's posting column, -1 where the shard lacks the token
    holding: np.ndarray  # per column: how many of the shard's passages hold its token (its postings' length)
    scale: np.ndarray | None = None  # per column: global idf / shard idf (None with a single shard)
    checked: set[int] = field(default_factory=set)  # columns whose rows `_postings` found inside the shard
    saved_in: Path | None = None  # the folder of the files its postings are mapped from, if any

    @classmethod
    def of(cls, start: int, size: int, retriever: bm25s.BM25, vocabulary: int) -> _Shard:
        column_of = np.full(max(vocabulary, 1), -1, dtype=np.int64)
        for token, column in retriever.vocab_dict.items():
            if str(token).lstrip("-").isdigit() and 0 <= int(token) < vocabulary:
                column_of[int(token)] = int(column)
        return cls(start, size, retriever, column_of, np.diff(np.asarray(retriever.scores["indptr"])))

    def columns(self, tokens: Sequence[int]) -> list[int]:
        """This shard's posting columns for `tokens`, each once."""
        held = (int(self.column_of[t]) for t in tokens if 0 <= t < len(self.column_of))
        return list(dict.fromkeys(c for c in held if c >= 0))

    def top(self, tokens: Sequence[int], k: int, floor: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """The shard's `k` best passages (shard-local rows, any order) and their scores; passages not scoring
        above `floor` (the k-th best score of the shards searched before) are left out.

        Every posting of the query's terms is summed, then only the rows that can be among the best are ranked
        (`_best_above`): bm25s' retrieve partitions all `size` scores, mostly zeros (tests/bench/bm25_topk.py).
        Same scores (bm25s' Lucene variant scores only postings). Pruning was tried on the bench's questions
        (ten or more terms, k = 50) and lost: MaxScore ran slower than the sum, and a pool of the passages best
        on the rarer terms kept only 83-90% of the exact top 50 for half the time.
        """
        scores = np.zeros(self.size, dtype=np.float32)
        for column in self.columns(tokens):
            held, weights = self._postings(column)
            _add_postings(scores, held, weights, self._factor(column))
        return _best_above(scores, k, floor)

    def scores_of(self, columns: Sequence[int], rows: np.ndarray) -> np.ndarray:
        """The scores of the shard-local `rows` (sorted) for the terms of `columns`: each term's postings are
        sorted by row, so each row is found by bisection, reading a few pages of a posting list."""
        scores = np.zeros(len(rows), dtype=np.float32)
        for column in columns:
            held, weights = self._postings(column)
            if not len(held):
                continue
            at = np.minimum(np.searchsorted(held, rows), len(held) - 1)
            found = held[at] == rows
            scores[found] += weights[at[found]] * self._factor(column)
        return scores

    def _postings(self, column: int) -> tuple[np.ndarray, np.ndarray]:
        """The rows holding a column's term, ascending, and their scores (before `_factor`), as views; a
        column's rows are checked to lie in the shard the first time it is read (they are summed unchecked)."""
        postings = self.retriever.scores
        start, end = int(postings["indptr"][column]), int(postings["indptr"][column + 1])
        held, weights = postings["indices"][start:end], postings["data"][start:end]
        if column not in self.checked:
            if len(held) != len(weights) or (len(held) and not 0 <= int(held.min()) <= int(held.max()) < self.size):
                raise ValueError(f"BM25 postings of term column {column} name passages outside the shard")
            self.checked.add(column)
        return held, weights

    def _factor(self, column: int) -> float:
        """What a column's scores are multiplied by: global idf / this shard's idf (1 for a single shard)."""
        return float(self.scale[column]) if self.scale is not None else 1.0


def _add_postings(scores: np.ndarray, held: np.ndarray, weights: np.ndarray, factor: float) -> None:
    """`scores[held] += weights * factor`: in scipy's compiled CSC kernel when the types allow (3-4x faster than
    numpy's fancy indexing, which gathers, adds and scatters in three passes), reading the postings in place."""
    if _csc_matvec is not None and held.dtype == np.int32 and weights.dtype == scores.dtype == np.float32:
        column = np.array([0, len(held)], dtype=np.int32)
        _csc_matvec(len(scores), 1, column, held, weights, np.array([factor], dtype=np.float32), scores)
    else:
        scores[held] += weights * factor  # a term's postings name each passage once


def _best_above(scores: np.ndarray, k: int, floor: float) -> tuple[np.ndarray, np.ndarray]:
    """The `k` best rows of `scores` that score above `floor` (and zero), with their scores, in no order.

    A common query term is held by a third of the passages, so finding every row that scored and ranking
    them reads millions. Instead the scores are cut into blocks of `BLOCK` rows and each block's best is
    taken in one vectorised pass: `k` blocks each hold a row scoring at least the `k`-th best block maximum,
    so no row below it can be among the `k` best, and only the blocks reaching it are read again. Same rows
    as ranking them all; at 10M passages (ten shards) a BM25 search took p50 32 instead of 45 ms (one-off
    measurement, 127 real questions).
    """
    whole = len(scores) // BLOCK * BLOCK
    if whole // BLOCK <= k:
        rows = np.flatnonzero(scores > floor)
        return _best(rows, scores[rows], k)
    maxima = scores[:whole].reshape(-1, BLOCK).max(axis=1)
    above = np.nextafter(np.float32(max(floor, 0.0)), np.float32(np.inf))  # the least score above the floor
    bound = max(np.partition(maxima, -k)[-k], above)
    blocks = np.flatnonzero(maxima >= bound)
    rows = np.concatenate([(blocks[:, None] * BLOCK + np.arange(BLOCK)).ravel(), np.arange(whole, len(scores))])
    rows = rows[scores[rows] >= bound]
    return _best(rows, scores[rows], k)


def _best(rows: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The `k` highest-scoring of `rows` (ascending) and their scores, in no order; of rows tying at the k-th
    score the first are kept, so however the shards are grouped, the same passages come out."""
    if len(rows) > k:
        kth = np.partition(scores, -k)[-k]
        above = np.flatnonzero(scores > kth)
        best = np.concatenate([above, np.flatnonzero(scores == kth)[: k - len(above)]])
        rows, scores = rows[best], scores[best]
    return rows, scores


class LexicalIndex:
    """BM25 over passages; document i is position i of the generation."""

    def __init__(self, shards: list[_Shard], tokenizer: bm25s.tokenization.Tokenizer, size: int) -> None:
        self.shards = shards
        self.tokenizer = tokenizer
        self.size = size
        if len(shards) > 1:
            _scale_to_global_idf(shards, len(tokenizer.stem_to_sid), size)

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalIndex:
        """Tokenise and index the passage texts (a shard's worth of token ids held at a time)."""
        builder = LexicalBuilder()
        for start in range(0, len(texts), TOKENIZE_BATCH):
            builder.add(texts[start : start + TOKENIZE_BATCH])
        return builder.finish()

    @classmethod
    def load(cls, folder: Path, size: int) -> LexicalIndex:
        """Read the index written by `save`; a sharded index's postings stay on disk, memory-mapped."""
        path = folder / FOLDER_NAME
        tokenizer = _tokenizer()
        tokenizer.load_vocab(str(path))
        vocabulary = len(tokenizer.stem_to_sid)
        shard_dirs = sorted(path.glob(f"{SHARD_PREFIX}*"))
        shards: list[_Shard] = []
        if shard_dirs:
            start = 0
            for shard_dir in shard_dirs:
                retriever = bm25s.BM25.load(str(shard_dir), mmap=True, show_progress=False)
                count = int(np.load(shard_dir / "size.npy"))
                shards.append(_Shard.of(start, count, retriever, vocabulary))
                shards[-1].saved_in = shard_dir
                start += count
            if start != size:
                raise ValueError(f"{path} indexes {start} passages, not {size}")
        elif size:
            shards.append(_Shard.of(0, size, bm25s.BM25.load(str(path), mmap=True, show_progress=False), vocabulary))
            shards[0].saved_in = path
        return cls(shards, tokenizer, size)

    def save(self, folder: Path) -> None:
        """Write the index and its vocabulary into `folder`."""
        path = folder / FOLDER_NAME
        path.mkdir(parents=True, exist_ok=True)
        if len(self.shards) == 1:
            if self.shards[0].saved_in != path:
                self.shards[0].retriever.save(str(path), show_progress=False)
        else:
            for number, shard in enumerate(self.shards):
                _save_shard(path, number, shard)
        self.tokenizer.save_vocab(str(path))

    def __len__(self) -> int:
        return self.size

    def passages_holding(self, stem: str) -> int:
        """How many passages hold `stem` (a stemmed word as the tokenizer makes it): BM25's document frequency."""
        sid = self.tokenizer.stem_to_sid.get(stem) if self.size else None
        if sid is None:
            return 0
        return sum(int(shard.holding[column]) for shard in self.shards for column in shard.columns([sid]))

    def search(self, query: str, k: int) -> Found:
        """Positions and BM25 scores of the `k` best passages with a query term, best first."""
        tokens = self._tokens(query) if min(k, self.size) > 0 else []
        return _merged(self._top(tokens, k, self.shards), k)

    def start_search(self, query: str, k: int, threads: Executor, runs: int) -> Callable[[], Found]:
        """`search` begun on `threads`: the shards cut into `runs` runs of consecutive shards, each searched as
        one task with a floor of its own. Call what it returns for the result, the same as `search`'s."""
        tokens = self._tokens(query) if min(k, self.size) > 0 else []
        cuts = np.array_split(np.arange(len(self.shards)), max(1, min(runs, len(self.shards))))
        pending = [threads.submit(self._top, tokens, k, [self.shards[i] for i in cut]) for cut in cuts if len(cut)]
        return lambda: _merged([part for future in pending for part in future.result()], k)

    def _top(self, tokens: list[int], k: int, shards: Sequence[_Shard]) -> list[Found]:
        """Each of `shards`' candidates for the `k` best (positions, scores): a shard's passage must beat the
        k-th best of the shards before it (ties go to the earlier), so most of its rows are never ranked."""
        found: list[Found] = []
        floor = 0.0
        for shard in shards if tokens else []:
            rows, scores = shard.top(tokens, k, floor)
            found.append((rows + shard.start, scores))
            merged = np.concatenate([s for _, s in found])
            if len(merged) >= k:
                floor = float(np.partition(merged, -k)[-k])
        return found

    def scores_at(self, query: str, positions: np.ndarray) -> np.ndarray:
        """The BM25 scores of the passages at `positions` for `query` (zero where no query term is held)."""
        scores = np.zeros(len(positions), dtype=np.float32)
        tokens = self._tokens(query) if self.size else []
        for shard in self.shards if tokens and len(positions) else []:
            inside = (positions >= shard.start) & (positions < shard.start + shard.size)
            if inside.any():
                rows = positions[inside] - shard.start
                order = np.argsort(rows)
                scores[np.flatnonzero(inside)[order]] = shard.scores_of(shard.columns(tokens), rows[order])
        return scores

    def _tokens(self, query: str) -> list[int]:
        ids = self.tokenizer.tokenize([query], return_as="ids", update_vocab=False, show_progress=False)
        return [t for t in ids[0] if t is not None] if ids else []


class LexicalBuilder:
    """Builds a LexicalIndex from texts given in position order, a shard at a time.

    Given a folder, a sharded index writes each shard there as it fills and keeps only its memory-mapped
    postings, so building holds one shard's token ids and matrices at a time however many shards there are.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.tokenizer = _tokenizer()
        self.folder = folder
        self.shards: list[_Shard] = []
        self.pending: list[list[int]] = []
        self.size = 0

    def add(self, texts: Sequence[str]) -> None:
        """Tokenise the next texts; a shard is indexed each time `SHARD_PASSAGES` are waiting."""
        ids = self.tokenizer.tokenize(list(texts), return_as="ids", update_vocab=True, show_progress=False)
        self.pending.extend(ids)
        self.size += len(texts)
        while len(self.pending) >= SHARD_PASSAGES and self.size > SHARD_PASSAGES:
            self._index(self.pending[:SHARD_PASSAGES], sharded=True)
            del self.pending[:SHARD_PASSAGES]

    def finish(self) -> LexicalIndex:
        """The index of every text added (with a folder: written there, but for the vocabulary `save` writes)."""
        if self.pending or not self.shards and self.size:
            self._index(self.pending, sharded=bool(self.shards))
            self.pending = []
        return LexicalIndex(self.shards, self.tokenizer, self.size)

    def _index(self, ids: list[list[int]], sharded: bool) -> None:
        retriever = bm25s.BM25()
        retriever.index(ids, show_progress=False)
        start = self.shards[-1].start + self.shards[-1].size if self.shards else 0
        shard = _Shard.of(start, len(ids), retriever, len(self.tokenizer.stem_to_sid) + 1)
        if sharded and self.folder is not None:  # write it now and let its matrices go
            shard_dir = _save_shard(self.folder / FOLDER_NAME, len(self.shards), shard)
            shard.retriever = bm25s.BM25.load(str(shard_dir), mmap=True, show_progress=False)
            shard.saved_in = shard_dir
        self.shards.append(shard)


def _save_shard(path: Path, number: int, shard: _Shard) -> Path:
    """Write `shard` as shard `number` of the index in `path` (unless it is that shard's files already)."""
    shard_dir = path / f"{SHARD_PREFIX}{number:04d}"
    if shard.saved_in != shard_dir:  # saving memory-mapped postings over their own file would truncate it
        shard_dir.mkdir(parents=True, exist_ok=True)
        shard.retriever.save(str(shard_dir), show_progress=False)
        np.save(shard_dir / "size.npy", np.int64(shard.size))
    return shard_dir


def _merged(found: list[Found], k: int) -> Found:
    """The `k` best of the shards' candidates, best first; ties in position order, as one index gives."""
    if not found:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    positions = np.concatenate([p for p, _ in found]).astype(np.int64)
    scores = np.concatenate([s for _, s in found])
    order = np.lexsort((positions, -scores))[:k]
    return positions[order], scores[order]


def _scale_to_global_idf(shards: list[_Shard], vocabulary: int, documents: int) -> None:
    """Give each shard the factors that turn its idf into the idf over every shard."""
    holding = np.zeros(max(vocabulary, 1) + 1, dtype=np.int64)
    for shard in shards:
        tokens = np.flatnonzero(shard.column_of[: len(holding)] >= 0)
        holding[tokens] += shard.holding[shard.column_of[tokens]]
    for shard in shards:
        tokens = np.flatnonzero(shard.column_of[: len(holding)] >= 0)
        columns = shard.column_of[tokens]
        scale = np.ones(len(shard.holding), dtype=np.float32)
        scale[columns] = _idf(documents, holding[tokens]) / _idf(shard.size, shard.holding[columns])
        shard.scale = scale

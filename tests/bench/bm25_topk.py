"""Where BM25's time goes at scale: bm25s' own retrieve against scoring and then choosing among the hits.

Run as `.venv/bin/python -m tests.bench.bm25_topk DATA_DIR` on a store with an index generation (e.g. one
`make bench-scale` builds; keep one with `--keep` there). At 1M passages bm25s' retrieve spends most of a query
in `np.argpartition` over all one million scores, most of them zero and many tied; adding the query terms'
postings takes a few milliseconds. Choosing the top k among the passages that scored at all gives the same
passages in a fraction of the time, which is what `LexicalIndex.search` now does; this compares the two.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from bot.evaluate import load_suite
from corpus.store import Store
from index.embed import MODEL_NAME
from index.generation import load_generation
from index.lexical import LexicalIndex
from tests.bench.ingest import QUERIES
from tests.bench.passages import SUITE
from tests.bench.record import p50_p95, write_result


def search_among_hits(lexical: LexicalIndex, query: str, k: int) -> np.ndarray:
    """Positions of the k best passages as the product ranks them: sum the query terms' postings, rank the hits."""
    return lexical.search(query, k)[0]


def bm25s_retrieve(lexical: LexicalIndex, query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
    """bm25s' own top k: every passage's score, then a partition over all of them."""
    ids = lexical.tokenizer.tokenize([query], return_as="ids", update_vocab=False, show_progress=False)
    tokens = [[t for t in ids[0] if t is not None]]
    if not tokens[0]:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    positions, scores = lexical.shards[0].retriever.retrieve(tokens, k=k, show_progress=False, n_threads=1)
    return positions[0], scores[0]


def _same_scores(lexical: LexicalIndex, query: str) -> bool:
    """Both ways rank passages with the same top-50 scores (tied passages may differ: near-copies at scale)."""
    _, theirs = bm25s_retrieve(lexical, query, 50)
    theirs = theirs[theirs > 0]
    ours = search_among_hits(lexical, query, 50)
    full = lexical.shards[0].retriever.get_scores(
        lexical.tokenizer.tokenize([query], return_as="ids", update_vocab=False, show_progress=False)[0])
    return bool(np.allclose(np.sort(theirs)[::-1], np.sort(full[ours])[::-1][: len(theirs)], atol=1e-4))


def main() -> None:
    """Time both ways over the coverage questions and the ingest queries; check they find the same passages."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with Store.open(args.data_dir, read_only=True) as store:
        lexical = load_generation(args.data_dir, store, MODEL_NAME).lexical
    assert len(lexical.shards) == 1, "bm25s' own retrieve is compared on an index of one shard (up to 1M passages)"
    questions = [c.turns[-1] for c in load_suite(SUITE)] + QUERIES
    same = np.mean([_same_scores(lexical, q) for q in questions])
    times: dict[str, list[float]] = {"bm25s retrieve": [], "score, then rank the hits": []}
    for _ in range(args.rounds):
        for question in questions:
            for name, search in (("bm25s retrieve", lambda q: bm25s_retrieve(lexical, q, 50)),
                                 ("score, then rank the hits", lambda q: search_among_hits(lexical, q, 50))):
                started = time.perf_counter()
                search(question)
                times[name].append((time.perf_counter() - started) * 1000)
    latency = {f"BM25 top 50 at {lexical.size:,}: {name}": p50_p95(values) for name, values in times.items()}
    for label, figures in latency.items():
        print(f"{label}: p50 {figures['p50']:.2f} ms, p95 {figures['p95']:.2f} ms")
    print(f"same top-50 scores for {same:.0%} of {len(questions)} queries")
    rows = [{"passages": lexical.size, "way": name, "p50 ms": latency[label]["p50"], "p95 ms": latency[label]["p95"]}
            for (name, _), label in zip(times.items(), latency, strict=True)]
    write_result("bm25-topk", "BM25 top 50: bm25s retrieve vs ranking only the passages that scored", rows, latency,
                 notes=[f"same top-50 scores for {same:.0%} of {len(questions)} queries (tied passages may differ)"])


if __name__ == "__main__":
    main()

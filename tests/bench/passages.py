"""Passage-route latency and retrieval recall over the coverage suite.

Run with `make bench-passages`. Ingests the seeds plus every non-duplicate BBC article (politics first, so
their ids are their file stems, as the suite cites them), then:
- recall@5 of a gold passage (a passage of the cited article holding an expected word) for dense only,
  BM25 only, hybrid fusion, and the bot's re-ranking, side by side;
- passage-route latency in process (embed, search, re-rank, quote), p50 and p95.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bot.ask import Bot
from bot.evaluate import Case, load_suite
from bot.passages import CANDIDATES, _rerank
from bot.terms import rarity_weights
from bot.understand import understand
from index.build import ingest
from index.embed import Embedder
from tests.bench.ingest import bbc_paths
from tests.bench.record import p50_p95, peak_memory_mib, write_result

SUITE = Path(__file__).resolve().parents[1] / "eval" / "coverage.yaml"
K = 5


def is_gold(case: Case, article_id: str, text: str) -> bool:
    """A passage of a cited article that holds one of the expected words."""
    words = [w.lower() for group in case.expect for w in group]
    return article_id in case.cite and (not words or any(w in text.lower() for w in words))


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--model-cache", type=Path, default=Path.home() / ".cache" / "hustings" / "models")
    args = parser.parse_args()
    cases = [c for c in load_suite(SUITE) if c.cite]
    embedder = Embedder.load(args.model_cache)
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(scratch)
        report = ingest([args.shared / "corpus" / "seeds", *bbc_paths(args.shared)], data_dir, embedder)
        bot = Bot.open(data_dir, embedder)
        assert bot.index is not None
        index, generation = bot.index, bot.index.generation
        found = {"dense": 0, "bm25": 0, "hybrid": 0, "hybrid + re-rank": 0}
        for case in cases:
            question = case.turns[-1]
            vector = embedder.embed([question])[0]
            keys = generation.keys
            dense = [int(keys[p]) for p in generation.dense.search(vector, K)[0]]
            lexical = [int(keys[p]) for p in generation.lexical.search(question, K)[0]]
            hits = index.search(question, CANDIDATES, vector=vector)
            weights = rarity_weights(question, generation.lexical)
            reranked = _rerank(understand(question, bot.gazetteer), hits, bot.gazetteer, weights)[:K]
            lists = {
                "dense": index.store.passages_by_keys(dense),
                "bm25": index.store.passages_by_keys(lexical),
                "hybrid": [h.stored for h in hits[:K]],
                "hybrid + re-rank": [h.stored for h in reranked],
            }
            for name, stored in lists.items():
                found[name] += any(is_gold(case, s.passage.article_id, s.passage.text) for s in stored)
        for case in cases:  # warm up
            bot.answer(case.turns[-1])
        times = []
        for _ in range(3):
            for case in cases:
                started = time.perf_counter()
                bot.answer(case.turns[-1])
                times.append((time.perf_counter() - started) * 1000)
        times.sort()
        print(f"corpus: {report.new} articles, {report.passages_total} passages; {len(cases)} coverage cases")
        for name, hits_found in found.items():
            print(f"recall@{K} {name:>17}: {hits_found / len(cases):.1%}")
        print(f"answer latency (route, embed, search, quote): p50 {statistics.median(times):.1f} ms, "
              f"p95 {times[int(0.95 * len(times)) - 1]:.1f} ms")
        bot.close()
    rows: list[dict[str, object]] = [
        {"retrieval": name, f"recall@{K}": f"{hits_found / len(cases):.1%}", "cases": len(cases)}
        for name, hits_found in found.items()
    ]
    rows[0].update(passages=report.passages_total, **{"peak memory MiB": round(peak_memory_mib())})
    write_result("passages", f"Passage route over the coverage suite: recall@{K} of a gold passage", rows,
                 {"passages (in process)": p50_p95(times)})


if __name__ == "__main__":
    main()

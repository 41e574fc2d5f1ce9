"""hustings against the fastest configured peer at 1M passages (and more, where the peer can hold them).

Run with `make bench-peers-scale`. It measures the scale bench's kept builds (var/bench/scale-data/scale-N:
real sentences recombined, vectors derived from real embeddings, tests/bench/scale.py), building a size not
kept. Embedding a million passages on this CPU takes hours, so the peer is given the passages and their vectors
instead of ingesting files: the passages of hustings' generation, in position order, and its vectors file, row
for row. The peer is LlamaIndex's fast store with hustings' int8 model (the fastest peer at p95 in `make
bench-peers`): FaissVectorStore over hustings' own trained FAISS index, emptied and filled again by the
framework with the same nprobe, and BM25Retriever (bm25s) over the docstore, fused by QueryFusionRetriever.
Both stores then hold the same passages, vectors and IVF cells, so what differs is the framework: its BM25,
fusion and node handling.

Haystack is not run here: its fast pipeline scores every document of its in-memory store in Python for BM25
(`make bench-peers`: over half a second per query at 11k passages, growing with the corpus).

Prints per size: each system's search p50/p95 (k=5, the coverage questions, interleaved, each timed inside its
process once both are idle), the peer's load seconds and peak memory, and how many of each query's five
passages the two systems share.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import faiss

from bot.evaluate import load_suite
from index.dense import FILE_NAME as DENSE_FILE
from index.embed import Embedder
from index.generation import VECTORS_FILE
from index.hybrid import PassageIndex
from tests.bench.passages import SUITE
from tests.bench.peers.compare import candidates
from tests.bench.peers.process import Models, Peer, settle
from tests.bench.peers.systems import PROCESSES, SYSTEMS
from tests.bench.record import p50_p95, peak_memory_mib, write_result
from tests.bench.scale import BUILD_RECORD

K = 5
PEER = next(s for s in SYSTEMS if s.key == "llamaindex-fast-int8")


def export_passages(index: PassageIndex, path: Path) -> None:
    """The generation's passages, one JSON line each in position order (what the peer's nodes hold)."""
    with path.open("w", encoding="utf-8") as out:
        for position in range(len(index)):
            passage = index.generation.passages.passage(position)
            out.write(json.dumps({"article_id": passage.article_id, "text": passage.text}) + "\n")


def measure(data_dir: Path, models: Models, embedder: Embedder, rounds: int) -> dict[str, Any]:
    """Load the peer from the kept build in `data_dir`, then time both systems on the coverage questions."""
    index = PassageIndex.open(data_dir, embedder)
    folder = index.generation.folder
    nprobe = getattr(faiss.try_extract_index_ivf(index.generation.dense.index), "nprobe", None)  # None: exact
    peer = Peer(PEER.key, PROCESSES[PEER.process or ""], models)
    with tempfile.TemporaryDirectory(dir=data_dir) as scratch:
        passages = Path(scratch) / "passages.jsonl"
        started = time.perf_counter()
        export_passages(index, passages)
        print(f"{len(index)}: passages written for the peer in {time.perf_counter() - started:.0f} s", flush=True)
        loaded = peer.call("load", passages=str(passages), vectors=str(folder / VECTORS_FILE),
                           faiss=str(folder / DENSE_FILE), nprobe=nprobe)
    print(f"{len(index)}: {PEER.name} loaded {loaded['chunks']} chunks in {loaded['seconds']:.0f} s", flush=True)
    queries = [c.turns[-1] for c in load_suite(SUITE) if c.cite]
    shared: list[int] = []

    def ours(query: str) -> float:
        began = time.perf_counter()
        index.search(query, K)
        return (time.perf_counter() - began) * 1000

    def theirs(query: str) -> float:
        reply = peer.call("search", query=query, k=K, mode=PEER.mode, candidates=candidates(K))
        return float(reply["ms"])

    for query in queries:  # warm-up, and the overlap of the two top-5s
        mine = {h.stored.passage.text for h in index.search(query, K)}
        reply = peer.call("search", query=query, k=K, mode=PEER.mode, candidates=candidates(K))
        shared.append(len(mine & {h["text"] for h in reply["hits"]}))
    times: dict[str, list[float]] = {"hustings": [], PEER.name: []}
    pids = [os.getpid(), peer.process.pid]
    for round_number in range(rounds):
        for n, query in enumerate(queries):
            order = [("hustings", ours), (PEER.name, theirs)]
            for name, timed in order if (n + round_number) % 2 == 0 else order[::-1]:
                settle(pids)
                times[name].append(timed(query))
    result = {"passages": len(index), "FAISS": index.generation.dense.kind, "load_seconds": loaded["seconds"],
              "peer_peak_mib": peer.peak_mib(), "hustings_peak_mib": peak_memory_mib(),
              "shared_of_5": sum(shared) / len(shared), "latency": {n: p50_p95(t) for n, t in times.items()},
              "queries": len(queries)}
    peer.close()
    index.close()
    return result


def main() -> None:
    """Measure each kept size, print and record."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--model-cache", type=Path, default=Path.home() / ".cache" / "hustings" / "models")
    parser.add_argument("--kept", type=Path, default=Path("var") / "bench" / "scale-data")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    models = Models.exported(args.model_cache)
    embedder = Embedder.for_questions(args.model_cache)  # as a server embeds questions
    rows, latency, notes = [], {}, []
    for size in args.sizes:
        data_dir = args.kept / f"scale-{size}"
        if not (data_dir / BUILD_RECORD).exists():  # not kept by an earlier `make bench-scale`: build it so
            subprocess.run([sys.executable, "-m", "tests.bench.scale", "--shared", str(args.shared), "--sizes",
                            str(size), "--types-at", "0", "--keep", str(args.kept), "--measure-kept"], check=True)
        result = measure(data_dir, models, embedder, args.rounds)
        ours, theirs = result["latency"]["hustings"], result["latency"][PEER.name]
        rows.append({"passages": result["passages"], "FAISS (both)": result["FAISS"],
                     "hustings p50 ms": ours["p50"], "hustings p95 ms": ours["p95"],
                     f"{PEER.name} p50 ms": theirs["p50"], f"{PEER.name} p95 ms": theirs["p95"],
                     "x faster at p95": round(theirs["p95"] / ours["p95"], 1),
                     "peer load s": round(result["load_seconds"]), "peer peak MiB": round(result["peer_peak_mib"]),
                     "hustings peak MiB": round(result["hustings_peak_mib"]),
                     "top-5 passages shared": round(result["shared_of_5"], 2)})
        latency.update({f"{name} at {size:,} passages": figures for name, figures in result["latency"].items()})
        print("  ".join(f"{k}={v}" for k, v in rows[-1].items()), flush=True)
        notes.append(f"{size:,}: {result['queries']} coverage questions x {args.rounds} rounds; goal at least 3x "
                     f"faster at p95: {'MET' if theirs['p95'] >= 3 * ours['p95'] else 'NOT MET'}")
        write_result("peers-scale", f"Peers at scale: hustings vs {PEER.name} (same passages, vectors, FAISS cells)",
                     rows, latency, notes=notes)


if __name__ == "__main__":
    main()

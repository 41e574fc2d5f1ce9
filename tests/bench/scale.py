"""Scale: 100k and 1M passages of real sentences recombined, with vectors derived from real embeddings.

Run with `make bench-scale`. Embedding a million passages on this two-core CPU takes hours and this task has
no GPU, so the vectors are *derived*: the seeds and the non-duplicate BBC corpus are ingested for real
(~11k passages, real all-MiniLM-L6-v2 vectors, cached in var/bench/scale-base/); each synthetic passage
takes a real passage, swaps one of its sentences for a sentence of another real passage, and gets that
passage's real vector plus Gaussian noise (cosine ~0.9 to it), renormalised. Texts are real sentences and
the vectors keep the corpus's topic clusters, so BM25 and the IVF cells see realistic distributions.

For each size: the synthetic articles and passages go into a DuckDB store in batches, then the product's
own `write_generation` builds the index (FAISS of the type `index.dense` chooses for that size, BM25),
timed as a whole and the dense part alone. A fresh process then opens it as a server would
(`PassageIndex.open`) and reports its memory and search latency (real questions, real query embeddings),
and the dense index's recall@10 against an exact scan.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

import index.generation as generation_module
from bot.evaluate import load_suite
from corpus.records import Article, Passage
from corpus.store import IndexState, Store
from index.build import ingest
from index.dense import DenseIndex, ivf_cells
from index.embed import Embedder
from index.generation import load_generation, stored_checksum
from index.hybrid import PassageIndex
from tests.bench.ingest import QUERIES, bbc_paths
from tests.bench.passages import SUITE
from tests.bench.record import MemoryPeaks, p50_p95, peak_memory_mib, percentile, resident_mib, write_result

BASE_DIR = Path("var") / "bench" / "scale-base"
NOISE = 0.025  # per dimension: |noise| ~ 0.49 against a unit vector, cosine ~0.9 to the real passage
PASSAGES_PER_ARTICLE = 10
BATCH = 20_000  # passages written to the store per transaction
NOTES = [
    "Texts: real sentences of the seeds + BBC corpus recombined (one sentence of each real passage swapped); "
    f"vectors: the real passage's all-MiniLM-L6-v2 vector plus N(0, {NOISE}^2) noise per dimension, "
    "renormalised (no GPU was lent to this task; embedding 1M passages on this CPU takes hours)",
    "Search = PassageIndex.search(k=5): query embedding, FAISS, BM25, fusion, passages from the generation's "
    "table; in a fresh process whose peak memory (server peak) includes the embedding model",
    "Goals: search p95 under 50 ms, server memory under 3 GiB, builder under 8 GiB, dense recall@10 0.95",
    "Memory (sampled every 0.2 s): 'peak' is the process's own (anonymous) memory; 'mapped' the pages of "
    "memory-mapped index files it touched, page cache the kernel takes back under pressure (VmHWM counts both)",
    "'of which index': the server's peak less what it held with the model loaded and the questions embedded",
]
BUILD_RECORD = "bench-build.json"  # in a kept data directory: how its build went
STORE_RECORD = "bench-store.json"  # in a kept data directory: its store is whole (an index build may follow)
SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’]))\s+")


def base_corpus(shared: Path, model_cache: Path) -> tuple[list[list[str]], np.ndarray]:
    """The real passages as sentence lists and their real vectors (ingested once into BASE_DIR)."""
    embedder = Embedder.load(model_cache)
    ingest([shared / "corpus" / "seeds", *bbc_paths(shared)], BASE_DIR, embedder)
    with Store.open(BASE_DIR, read_only=True) as store:
        generation = load_generation(BASE_DIR, store, embedder.name)
        texts = store.passage_texts(generation.keys.tolist())
        vectors = np.array(generation.vectors, dtype=np.float32)
    return [SENTENCE_END.split(text) for text in texts], vectors


def synthetic_passages(
    sentences: list[list[str]], count: int, seed: int = 0
) -> Iterator[tuple[list[str], np.ndarray]]:
    """`count` passages as (texts of one article, base passage indexes), PASSAGES_PER_ARTICLE at a time."""
    rng = np.random.default_rng(seed)
    for start in range(0, count, PASSAGES_PER_ARTICLE):
        size = min(PASSAGES_PER_ARTICLE, count - start)
        bases = rng.integers(0, len(sentences), size)
        texts = []
        for base in bases.tolist():
            parts = list(sentences[base])
            donor = sentences[int(rng.integers(0, len(sentences)))]
            parts[int(rng.integers(0, len(parts)))] = donor[int(rng.integers(0, len(donor)))]
            texts.append(" ".join(parts))
        yield texts, bases


def build_store(data_dir: Path, sentences: list[list[str]], base_vectors: np.ndarray, out: np.ndarray,
                write: bool = True) -> None:
    """Write `len(out)` synthetic passages in articles of ten, and their vectors into `out` in key order; with
    `write` false the store holds them already (same seeds, same passages) and only the vectors are made."""
    rng = np.random.default_rng(1)
    keys_seen: list[int] = []
    articles: list[Article] = []
    passages: list[Passage] = []
    with Store.open(data_dir, read_only=not write) as store:
        if write:  # an ingest commits once; this commits every BATCH, and a checkpoint each time rewrites the
            store.connection.execute("SET checkpoint_threshold = '4GB'")  # indexes: 400k passages 46 s -> 30 s

        def flush() -> None:
            if write:
                with store.transaction():
                    store.write_articles(articles)
                    keys_seen.extend(store.insert_passages(passages))
            articles.clear()
            passages.clear()

        row = 0
        for number, (texts, bases) in enumerate(synthetic_passages(sentences, len(out))):
            article_id = f"syn-{number:07d}"
            text, offsets = "", []
            for passage_text in texts:
                offsets.append((len(text), len(text) + len(passage_text)))
                text += passage_text + "\n\n"
            articles.append(Article(article_id, texts[0][:80], text, source="synthetic"))
            passages += [Passage(article_id, i, s, e, t) for i, ((s, e), t) in enumerate(zip(offsets, texts,
                                                                                             strict=True))]
            noisy = base_vectors[bases] + NOISE * rng.standard_normal((len(bases), base_vectors.shape[1]))
            out[row : row + len(bases)] = noisy / np.linalg.norm(noisy, axis=1, keepdims=True)
            row += len(bases)
            if len(passages) >= BATCH:
                flush()
        flush()
        kept = store.coverage_counts()["passages"]
    assert kept == row, f"the store in {data_dir} holds {kept} passages, not {row}"
    assert not write or np.all(np.diff(np.asarray(keys_seen)) > 0), "passage keys are given in insertion order"


def build(data_dir: Path, sentences: list[list[str]], base_vectors: np.ndarray, count: int,
          model: str) -> dict[str, float]:
    """The store, then the product's GenerationWriter over it: vectors straight into the generation's file (no
    float matrix in memory), indexes built from it and from the passages streamed; seconds of each part."""
    timed: dict[str, float] = {}
    original = generation_module.DenseIndex

    class TimedDense(DenseIndex):
        @classmethod
        def build(cls, vectors: np.ndarray, *args: Any, **kwargs: Any) -> DenseIndex:
            started = time.perf_counter()
            built = original.build(vectors, *args, **kwargs)
            timed["faiss_seconds"] = time.perf_counter() - started
            return built

    kept_store = data_dir / STORE_RECORD
    for scratch in (data_dir / "index").glob(".building-*"):  # an earlier build's, killed midway
        shutil.rmtree(scratch)
    with generation_module.GenerationWriter(data_dir, count, base_vectors.shape[1]) as writer:
        started = time.perf_counter()
        with MemoryPeaks() as store_phase:
            if kept_store.exists():  # a build killed after its store was written: the store is reused
                build_store(data_dir, sentences, base_vectors, writer.vectors, write=False)
                timed["store_seconds"] = json.loads(kept_store.read_text(encoding="utf-8"))["store_seconds"]
                print(f"{count}: kept store reused, vectors made again in {time.perf_counter() - started:.0f} s")
            else:
                build_store(data_dir, sentences, base_vectors, writer.vectors)
                timed["store_seconds"] = time.perf_counter() - started
                kept_store.write_text(json.dumps({"store_seconds": timed["store_seconds"]}), encoding="utf-8")
                print(f"{count}: store written in {timed['store_seconds']:.0f} s", flush=True)
        timed["store_phase_peak"] = store_phase.peaks.get("anon", 0.0)
        generation_module.DenseIndex = TimedDense  # type: ignore[misc]
        try:
            with MemoryPeaks() as index_phase, Store.open(data_dir) as store:
                keys, checksum = stored_checksum(store, model)
                state = IndexState(checksum, model, base_vectors.shape[1], len(keys))
                started = time.perf_counter()
                with store.transaction():
                    writer.finish(state, keys, store.stream_passages_in_key_order())
                    store.set_index_state(state)
                timed["index_seconds"] = time.perf_counter() - started
        finally:
            generation_module.DenseIndex = original  # type: ignore[misc]
        timed["index_phase_peak"] = index_phase.peaks.get("anon", 0.0)
    return timed


def serve_and_measure(data_dir: Path, model_cache: Path, rounds: int) -> dict[str, Any]:
    """In this (fresh) process: open the index as a server would; memory, latency, recall@10 of the dense index."""
    embedder = Embedder.for_questions(model_cache)
    questions = [c.turns[-1] for c in load_suite(SUITE)] + QUERIES
    query_vectors = embedder.embed(questions)
    before = peak_memory_mib()
    model_anon = resident_mib().get("anon", before)
    peaks = MemoryPeaks().__enter__()
    opened = time.perf_counter()
    index = PassageIndex.open(data_dir, embedder)
    open_seconds = time.perf_counter() - opened
    for question in questions:  # warm up
        index.search(question, k=5)
    times: dict[str, list[float]] = {"search": [], "dense": [], "bm25": []}
    for _ in range(rounds):
        for question, vector in zip(questions, query_vectors, strict=True):
            started = time.perf_counter()
            index.search(question, k=5)
            times["search"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            index.generation.dense.search(vector, 50)
            times["dense"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            index.generation.lexical.search(question, 50)
            times["bm25"].append((time.perf_counter() - started) * 1000)
    serving_peak = peak_memory_mib()
    peaks.__exit__()
    found = [index.generation.dense.search(v, 10)[0] for v in query_vectors]
    exact = exact_top(np.asarray(index.generation.vectors), query_vectors, 10)
    recall = float(np.mean([len(set(f.tolist()) & set(e.tolist())) / 10 for f, e in zip(found, exact, strict=True)]))
    result = {
        "kind": index.generation.dense.kind, "open_seconds": open_seconds, "model_mib": before,
        "serving_peak_mib": serving_peak, "anon_peak_mib": peaks.peaks.get("anon", serving_peak),
        "model_anon_mib": model_anon, "mapped_peak_mib": peaks.peaks.get("file", 0.0),
        "dense_recall_at_10": recall, "queries": len(questions) * rounds,
        "latency": {name: p50_p95(values) for name, values in times.items()},
        "p99_search": percentile(times["search"], 0.99),
    }
    index.close()
    return result


def exact_top(vectors: np.ndarray, queries: np.ndarray, k: int) -> list[np.ndarray]:
    """The exact top-k rows per query, streaming over the (memory-mapped) vectors."""
    best_scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
    best_rows = np.zeros((len(queries), k), dtype=np.int64)
    for start in range(0, len(vectors), 100_000):
        scores = queries @ np.asarray(vectors[start : start + 100_000]).T
        all_scores = np.concatenate([best_scores, scores], axis=1)
        all_rows = np.concatenate([best_rows, np.arange(start, start + scores.shape[1])[None].repeat(len(queries), 0)],
                                  axis=1)
        top = np.argsort(-all_scores, axis=1)[:, :k]
        best_scores = np.take_along_axis(all_scores, top, axis=1)
        best_rows = np.take_along_axis(all_rows, top, axis=1)
    return list(best_rows)


def compare_index_types(base_vectors: np.ndarray, count: int, model_cache: Path) -> None:
    """FAISS index types side by side on `count` derived vectors: build seconds, size, p95 of one query, recall@10."""
    import faiss

    rng = np.random.default_rng(2)
    noisy = base_vectors[rng.integers(0, len(base_vectors), count)]
    noisy = noisy + NOISE * rng.standard_normal(noisy.shape).astype(np.float32)
    vectors = np.ascontiguousarray(noisy / np.linalg.norm(noisy, axis=1, keepdims=True), dtype=np.float32)
    embedder = Embedder.load(model_cache)
    queries = embedder.embed([c.turns[-1] for c in load_suite(SUITE)] + QUERIES)
    exact = exact_top(vectors, queries, 10)
    rows = []
    for kind in ("Flat", "HNSW32", f"IVF{ivf_cells(count)},SQ8", f"IVF{ivf_cells(count)},Flat"):
        started = time.perf_counter()
        if kind == "Flat" or kind.endswith("SQ8"):  # what the product builds, below and above its threshold
            dense = DenseIndex.build(vectors, exact_below=count + 1 if kind == "Flat" else 0)
        else:
            dense = _other_index(vectors, kind)
        seconds = time.perf_counter() - started
        size = len(faiss.serialize_index(dense.index)) / 2**20
        probes = [None] if not kind.startswith("IVF") else [dense.index.nlist // share for share in (64, 32, 16, 8)]
        for nprobe in probes:
            if nprobe:
                faiss.extract_index_ivf(dense.index).nprobe = nprobe
            times, found = [], []
            for query in queries:
                began = time.perf_counter()
                found.append(dense.search(query, 10)[0])
                times.append((time.perf_counter() - began) * 1000)
            recall = np.mean([len(set(f.tolist()) & set(e.tolist())) / 10 for f, e in zip(found, exact, strict=True)])
            rows.append({"passages": count, "FAISS type": kind, "search": f"nprobe {nprobe}" if nprobe else dense.kind,
                         "build s": round(seconds, 1), "index MiB": round(size),
                         "p50 ms": round(float(np.median(times)), 2), "p95 ms": round(percentile(times, 0.95), 2),
                         "recall@10 vs exact": round(float(recall), 3)})
            print("  ".join(f"{k}={v}" for k, v in rows[-1].items()), flush=True)
    write_result("index-types", f"FAISS index types on {count:,} derived vectors (dense search alone)", rows,
                 notes=["one query at a time on one thread, as the server searches; HNSW at faiss' defaults "
                        "(efConstruction 40, efSearch 16); index MiB is the serialised index"])


def _other_index(vectors: np.ndarray, kind: str) -> DenseIndex:
    """An index type the product does not build (HNSW, IVF over full vectors), for comparison."""
    import faiss

    faiss.omp_set_num_threads(os.cpu_count() or 1)
    index = faiss.index_factory(vectors.shape[1], kind, faiss.METRIC_INNER_PRODUCT)
    if not index.is_trained:
        sample = np.random.default_rng(0).choice(len(vectors), min(len(vectors), 40 * ivf_cells(len(vectors))),
                                                 replace=False)
        index.train(vectors[np.sort(sample)])
    index.add(vectors)
    dense = DenseIndex(index)  # back to one thread for queries; IVF gets the product's nprobe
    if kind.startswith("HNSW"):
        dense.kind = f"hnsw efSearch {faiss.downcast_index(index).hnsw.efSearch}"
    return dense


def directory_mib(path: Path) -> float:
    """MiB under `path`."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def main() -> None:
    """Build each size, measure it in a fresh process, print and record."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--model-cache", type=Path, default=Path.home() / ".cache" / "hustings" / "models")
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--types-at", type=int, default=100_000, help="compare FAISS types at this size (0: skip)")
    parser.add_argument("--keep", type=Path, help="build each size in DIR/scale-<size> and keep it")
    parser.add_argument("--measure-kept", action="store_true",
                        help="with --keep: a size kept by an earlier run is measured again, not rebuilt")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)  # the measuring child process
    args = parser.parse_args()
    if args.serve:
        print(json.dumps(serve_and_measure(args.serve, args.model_cache, args.rounds)))
        return
    sentences, base_vectors = base_corpus(args.shared, args.model_cache)
    if args.types_at:
        compare_index_types(base_vectors, args.types_at, args.model_cache)
    print(f"base: {len(sentences)} real passages, {sum(map(len, sentences))} sentences", flush=True)
    rows, latency = [], {}
    for size in args.sizes:
        with tempfile.TemporaryDirectory(dir=Path("var")) as scratch:
            data_dir = args.keep / f"scale-{size}" if args.keep else Path(scratch)
            built_before = data_dir / BUILD_RECORD
            if args.measure_kept and built_before.exists():  # built by an earlier run: measure it again
                timed = json.loads(built_before.read_text(encoding="utf-8"))
            else:
                if not (args.measure_kept and (data_dir / STORE_RECORD).exists()):
                    shutil.rmtree(data_dir, ignore_errors=True)
                data_dir.mkdir(parents=True, exist_ok=True)
                with MemoryPeaks() as builder:
                    timed = build(data_dir, sentences, base_vectors, size, Embedder.load(args.model_cache).name)
                timed["build_peak"] = builder.peaks.get("anon", peak_memory_mib())
                timed["build_mapped"] = builder.peaks.get("file", 0.0)
                built_before.write_text(json.dumps(timed), encoding="utf-8")
            print(f"{size}: index built in {timed['index_seconds']:.0f} s (FAISS {timed['faiss_seconds']:.0f} s), "
                  f"builder peak {timed['build_peak']:.0f} MiB own (store phase "
                  f"{timed.get('store_phase_peak', 0):.0f}, index phase {timed.get('index_phase_peak', 0):.0f}) + "
                  f"{timed['build_mapped']:.0f} MiB of mapped files", flush=True)
            child = subprocess.run(
                [sys.executable, "-m", "tests.bench.scale", "--serve", str(data_dir), "--rounds", str(args.rounds),
                 "--model-cache", str(args.model_cache)], capture_output=True, text=True, check=True)
            served = json.loads(child.stdout.strip().splitlines()[-1])
            index_mib = directory_mib(data_dir / "index")
            store_mib = directory_mib(data_dir / "stores")
        row = {
            "passages": size, "FAISS type": served["kind"], "store write s": round(timed["store_seconds"]),
            "index build s": round(timed["index_seconds"]), "FAISS build s": round(timed["faiss_seconds"], 1),
            "builder peak MiB": round(timed["build_peak"]),
            "store write peak MiB": round(timed.get("store_phase_peak", 0)),
            "index build peak MiB": round(timed.get("index_phase_peak", 0)),
            "builder mapped MiB": round(timed["build_mapped"]),
            "server peak MiB": round(served["anon_peak_mib"]),
            "of which index MiB": round(served["anon_peak_mib"] - served["model_anon_mib"]),
            "server mapped MiB": round(served["mapped_peak_mib"]),
            "server VmHWM MiB": round(served["serving_peak_mib"]),
            "open s": round(served["open_seconds"], 1),
            "search p50 ms": served["latency"]["search"]["p50"], "search p95 ms": served["latency"]["search"]["p95"],
            "dense p95 ms": served["latency"]["dense"]["p95"], "BM25 p95 ms": served["latency"]["bm25"]["p95"],
            "dense recall@10 vs exact": round(served["dense_recall_at_10"], 3),
            "index MiB": round(index_mib), "DuckDB MiB": round(store_mib),
        }
        print("  ".join(f"{k}={v}" for k, v in row.items()), flush=True)
        rows.append(row)
        latency[f"search at {size:,} passages"] = served["latency"]["search"]
        write_result("scale", "Scale: synthetic corpora from real sentences and derived vectors", rows, latency,
                     notes=NOTES)  # after each size, so a later size that fails keeps the earlier figures


if __name__ == "__main__":
    main()

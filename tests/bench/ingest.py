"""Ingest benchmark: the BBC News corpus (duplicates skipped) with the real model.

Run with `make bench-ingest`. Prints articles, passages, passages/s, peak memory, index size and
search latency (embed + FAISS + BM25 + fusion + passage fetch) over a fixed set of queries.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import tempfile
import time
from pathlib import Path

from corpus.generations import current_store
from index.build import ingest
from index.embed import Embedder
from index.hybrid import PassageIndex
from tests.bench.record import p50_p95, peak_memory_mib, write_result

QUERIES = [
    "Why did Labour lose support before the general election?",
    "What did Tony Blair say about the election date?",
    "Conservative plans for immigration and asylum",
    "Liberal Democrats promise to scrap tuition fees",
    "Gordon Brown budget and public spending",
    "Michael Howard attacks the government on crime",
    "postal voting fraud in Birmingham",
    "UKIP and Robert Kilroy-Silk",
    "turnout among young voters",
    "council tax rises for pensioners",
    "Iraq war legal advice from the attorney general",
    "identity cards bill in the House of Lords",
    "hunting ban and the Parliament Act",
    "Welsh Assembly and devolution",
    "Charles Kennedy on the campaign trail",
    "How many seats do the Tories need to win?",
    "school discipline and education policy",
    "NHS waiting lists and hospital targets",
    "terror suspects held without trial",
    "a minister resigns after a scandal",
]


def bbc_paths(shared: Path) -> list[Path]:
    """Every BBC article file the manifest does not mark as a duplicate, politics first (they keep bare ids)."""
    corpus = shared / "data" / "bbc-news-2004-2005"
    with (corpus / "manifest.csv").open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if not row["duplicate_of"]]
    rows.sort(key=lambda row: (row["category"] != "politics", row["path"]))
    return [corpus / row["path"] for row in rows]


def directory_size(path: Path) -> int:
    """Bytes under `path`."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--model-cache", type=Path, default=Path.home() / ".cache" / "hustings" / "models")
    parser.add_argument("--backend", choices=["onnx", "torch"], default="onnx")
    args = parser.parse_args()
    paths = bbc_paths(args.shared)
    print(f"BBC corpus: {len(paths)} files, duplicates skipped")

    embedder = Embedder.load(args.model_cache, backend=args.backend)
    embedder.embed(["warm up the model"])
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(scratch)
        started = time.perf_counter()
        report = ingest(paths, data_dir, embedder)
        seconds = time.perf_counter() - started
        index = PassageIndex.open(data_dir, embedder)
        for query in QUERIES:
            index.search(query, k=5)
        latencies = []
        for _ in range(5):
            for query in QUERIES:
                began = time.perf_counter()
                index.search(query, k=5)
                latencies.append((time.perf_counter() - began) * 1000)
        latencies.sort()
        print(f"backend:        {embedder.backend}")
        print(f"articles:       {report.new} ingested, {report.failed} failed, {len(report.problems)} notes")
        print(f"passages:       {report.passages_total}")
        print(f"ingest:         {seconds:.1f} s, {report.passages_total / seconds:.1f} passages/s (end to end)")
        index_mib = directory_size(data_dir / "index") / 2**20
        duckdb_mib = current_store(data_dir).stat().st_size / 2**20  # type: ignore[union-attr]
        latency = p50_p95(latencies)
        print(f"peak memory:    {peak_memory_mib():.0f} MiB")
        print(f"index size:     {index_mib:.1f} MiB (+ DuckDB {duckdb_mib:.1f} MiB)")
        print(f"search latency: median {statistics.median(latencies):.1f} ms, "
              f"p95 {latency['p95']:.1f} ms over {len(latencies)} queries")
        index.close()
    write_result("ingest", "Ingest: BBC News corpus (duplicates skipped), real model", [{
        "articles": report.new, "passages": report.passages_total, "seconds": round(seconds, 1),
        "passages/s": round(report.passages_total / seconds, 1), "peak memory MiB": round(peak_memory_mib()),
        "index MiB": round(index_mib, 1), "DuckDB MiB": round(duckdb_mib, 1), "backend": embedder.backend,
    }], {"search (in process)": latency})


if __name__ == "__main__":
    main()

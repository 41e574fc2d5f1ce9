"""Ingest benchmark: the BBC News corpus (duplicates skipped) with the real model.

Run with `make bench-ingest`. Prints articles, passages, passages/s, peak memory, index size and
search latency (embed + FAISS + BM25 + fusion + passage fetch) over a fixed set of queries.
"""

from __future__ import annotations

import argparse
import csv
import resource
import statistics
import tempfile
import time
from pathlib import Path

from index.build import ingest
from index.embed import Embedder
from index.hybrid import PassageIndex

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
        print(f"peak memory:    {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
        print(f"index size:     {directory_size(data_dir / 'index') / 2**20:.1f} MiB "
              f"(+ DuckDB {(data_dir / 'hustings.duckdb').stat().st_size / 2**20:.1f} MiB)")
        print(f"search latency: median {statistics.median(latencies):.1f} ms, "
              f"p95 {latencies[int(0.95 * len(latencies)) - 1]:.1f} ms over {len(latencies)} queries")
        index.close()


if __name__ == "__main__":
    main()

"""Ray ingest benchmark: the BBC News corpus on a local Ray cluster against a local ingest, real model.

Run with `make bench-ray` (needs `pip install 'hustings[ray]'`). Prints passages/s both ways, Ray's
overhead, the per-worker throughput of the cluster's stages, and from it the wall time of 10M passages on
8 and 32 workers. On one machine the cluster's workers share its cores with the driver and with Ray's own
processes, so this is Ray's cost more than its gain; the projection is what the figure per worker buys.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from index.build import ingest
from index.embed import Embedder
from index.ray_ingest import ingest_on_ray, ray_cluster
from tests.bench.ingest import bbc_paths
from tests.bench.record import write_result

TARGET_PASSAGES = 10_000_000
PROJECTED_WORKERS = (8, 32)


class StageClock:
    """When each ingest stage last reported, from the ingest's progress calls."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.last: dict[str, float] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.last[stage] = time.perf_counter() - self.started


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--model-cache", type=Path, default=Path.home() / ".cache" / "hustings" / "models")
    parser.add_argument("--address", default=None, help="a running cluster's address (default: start a local one)")
    args = parser.parse_args()
    paths = bbc_paths(args.shared)
    embedder = Embedder.load(args.model_cache)
    embedder.embed(["warm up the model"])
    print(f"BBC corpus: {len(paths)} files, duplicates skipped")

    with tempfile.TemporaryDirectory() as scratch:
        local = ingest(paths, Path(scratch) / "local", embedder)
        print(f"local: {local.passages_total} passages in {local.seconds:.1f} s, "
              f"{local.passages_total / local.seconds:.1f} passages/s")
        began = time.perf_counter()
        with ray_cluster(args.address) as workers:
            start_seconds = time.perf_counter() - began
            clock = StageClock()
            on_ray = ingest_on_ray(paths, Path(scratch) / "ray", embedder, args.model_cache, progress=clock)
    assert on_ray.passages_total == local.passages_total, "the Ray ingest stored other passages"

    # The cluster's work is reading, then chunking and embedding; the driver's is listing files, placing
    # articles, and the commit (store writes, FAISS, BM25), which is serial.
    cluster_seconds = clock.last["embedding"]
    driver_seconds = on_ray.seconds - cluster_seconds
    per_worker = on_ray.passages_total / (cluster_seconds * workers)
    local_rate = local.passages_total / local.seconds
    ray_rate = on_ray.passages_total / on_ray.seconds
    overhead = on_ray.seconds / local.seconds - 1
    print(f"ray:   {on_ray.passages_total} passages in {on_ray.seconds:.1f} s ({ray_rate:.1f} passages/s) on "
          f"{workers} workers, + {start_seconds:.1f} s to start the cluster; overhead {overhead:+.0%} against local")
    print(f"       stages: read {clock.last['reading']:.1f} s, chunked by {clock.last['chunking']:.1f} s, "
          f"embedded by {clock.last['embedding']:.1f} s, committed by {on_ray.seconds:.1f} s")
    print(f"       per worker: {per_worker:.1f} passages/s (read + chunk + embed)")
    projections = {}
    for count in PROJECTED_WORKERS:
        serial = driver_seconds / on_ray.passages_total * TARGET_PASSAGES
        hours = (TARGET_PASSAGES / (per_worker * count) + serial) / 3600
        projections[count] = round(hours, 1)
        print(f"       10M passages on {count} workers: about {hours:.1f} h")
    write_result("ray-ingest", "Ingest on Ray: BBC News corpus (duplicates skipped) on a local cluster, real model", [
        {"way": "local", "passages": local.passages_total, "seconds": round(local.seconds, 1),
         "passages/s": round(local_rate, 1)},
        {"way": f"ray ({workers} workers)", "passages": on_ray.passages_total, "seconds": round(on_ray.seconds, 1),
         "passages/s": round(ray_rate, 1), "overhead": f"{overhead:+.0%}", "cluster start s": round(start_seconds, 1),
         "per worker passages/s": round(per_worker, 1),
         **{f"10M on {n} workers h": h for n, h in projections.items()}},
    ], notes=[
        "Per worker: passages over the seconds the cluster's stages ran (reading, chunking, embedding) times the "
        "workers (one CPU each, ONNX Runtime on one thread).",
        "Projection: the cluster's stages scale linearly with workers at this per-worker rate (embedding is "
        "most of it and each batch is independent); the driver's part (listing, placing, the commit) is serial and "
        "scaled linearly with passages from this run. It leaves out the 10M index build (see bench-scale).",
        "This machine is shared with other work, so the figures are noisy.",
    ])


if __name__ == "__main__":
    main()

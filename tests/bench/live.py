"""Live loading: /chat latency while an ingest runs beside `hustings serve`, and the time from an ingest's commit
to the server answering from the new store generation.

Run with `make bench-live`. Builds the store `make eval` builds (public results, seeds, BBC politics), serves it,
then:
- quiet: one client asks a mix of questions (every route) in turn: p50/p95;
- during an ingest of the BBC business folder (its articles embedded beside the server, on the same cores):
  the same client, the same questions: p50/p95, and the ratio to quiet (goal: p95 at most 2x);
- commit to serve: the time from the moment CURRENT names a new generation to the first /health that reports
  it (the server polls every 0.5 s by default), for that ingest and for an election-night loop of results files
  re-imported as they grow.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from corpus.generations import CURRENT, current_store
from index.embed import Embedder
from tests.bench.http import build_store, questions, serve
from tests.bench.ingest import bbc_paths
from tests.bench.record import p50_p95, write_result

HUSTINGS = Path(sys.executable).with_name("hustings")
MODEL_CACHE = Path.home() / ".cache" / "hustings" / "models"
ROUNDS = 5  # election-night re-imports


def ask_until(base: str, asked: list[str], done: threading.Event | None, minimum: int) -> list[float]:
    """Ask the questions in turn until `done` is set (and at least `minimum` were asked); latencies in ms."""
    latencies: list[float] = []
    with httpx.Client(base_url=base, timeout=120) as client:
        n = 0
        while len(latencies) < minimum or (done is not None and not done.is_set()):
            started = time.perf_counter()
            reply = client.post("/chat", json={"message": asked[n % len(asked)]})
            reply.raise_for_status()
            latencies.append((time.perf_counter() - started) * 1000)
            n += 1
            if done is None and len(latencies) >= minimum:
                break
    return latencies


def commit_to_serve(base: str, data_dir: Path, run: subprocess.Popen[str] | None = None,
                    command: list[str] | None = None) -> float:
    """Seconds from CURRENT naming a new generation to /health answering from it."""
    before = (data_dir / CURRENT).read_text().strip()
    process = run or subprocess.Popen(command or [], text=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    while (newest := (data_dir / CURRENT).read_text().strip()) == before:
        if process.poll() is not None and (data_dir / CURRENT).read_text().strip() == before:
            raise RuntimeError(f"the ingest published nothing: {process.stderr.read() if process.stderr else ''}")
        time.sleep(0.002)
    published = time.perf_counter()
    with httpx.Client(base_url=base, timeout=30) as client:
        while client.get("/health").json().get("generation") != newest:
            time.sleep(0.01)
    served = time.perf_counter() - published
    process.wait()
    return served


def growing_results(path: Path, wards: int) -> None:
    """An election-night file: the first `wards` wards of a made-up council declared (canonical format)."""
    lines = ["record,election,area_code,area_name,ward_code,ward_name,candidate,party,votes,elected"]
    for n in range(wards):
        lines += [f"candidacy,local-2026-05-07,E06000901,Portown,E05999{n:03d},Ward {n},Candidate {n}A,LAB,"
                  f"{900 + n},1",
                  f"candidacy,local-2026-05-07,E06000901,Portown,E05999{n:03d},Ward {n},Candidate {n}B,CON,"
                  f"{800 + n},0"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--quiet-questions", type=int, default=200)
    args = parser.parse_args()
    embedder = Embedder.load(MODEL_CACHE)
    asked = questions()
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(scratch) / "data"
        build_store(args.shared, data_dir, embedder)
        size_mib = current_store(data_dir).stat().st_size / 2**20  # type: ignore[union-attr]
        server, base = serve(data_dir, MODEL_CACHE)
        try:
            ask_until(base, asked, None, 20)  # warm
            quiet = ask_until(base, asked, None, args.quiet_questions)
            business = [p for p in bbc_paths(args.shared) if p.parent.name == "business"]
            env_cmd = [str(HUSTINGS), "ingest", *map(str, business), "--data-dir", str(data_dir)]
            done = threading.Event()
            during: list[float] = []
            asker = threading.Thread(target=lambda: during.extend(ask_until(base, asked, done, 20)))
            started = time.perf_counter()
            ingest = subprocess.Popen(env_cmd, text=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            asker.start()
            after_ingest = commit_to_serve(base, data_dir, run=ingest)
            ingest_seconds = time.perf_counter() - started
            done.set()
            asker.join()
            loop = []
            results = Path(scratch) / "portown-2026.csv"
            for round_ in range(ROUNDS):
                growing_results(results, wards=5 * (round_ + 1))
                command = [str(HUSTINGS), "ingest", "--results", str(results), "--data-dir", str(data_dir)]
                begun = time.perf_counter()
                served = commit_to_serve(base, data_dir, command=command)
                loop.append((served, time.perf_counter() - begun))
        finally:
            server.terminate()
            server.wait()
    q50, q95 = p50_p95(quiet).values()
    d50, d95 = p50_p95(during).values()
    print(f"store file:            {size_mib:.1f} MiB (copied once per ingest)")
    print(f"/chat quiet:           p50 {q50:.1f} ms, p95 {q95:.1f} ms over {len(quiet)} requests")
    print(f"/chat during ingest:   p50 {d50:.1f} ms, p95 {d95:.1f} ms over {len(during)} requests "
          f"({len(business)} articles ingested in {ingest_seconds:.1f} s); p95 ratio {d95 / q95:.2f}")
    print(f"commit to serve:       {after_ingest:.2f} s after the article ingest")
    served_times = [s for s, _ in loop]
    print(f"election-night loop:   commit to serve median {statistics.median(served_times):.2f} s, "
          f"max {max(served_times):.2f} s; a results re-import from start to served "
          f"median {statistics.median(t for _, t in loop):.2f} s")
    write_result("live", "Live loading: /chat beside an ingest, and commit to serve", [
        {"measure": "/chat quiet", "p50 ms": round(q50, 1), "p95 ms": round(q95, 1), "requests": len(quiet)},
        {"measure": "/chat during ingest", "p50 ms": round(d50, 1), "p95 ms": round(d95, 1),
         "requests": len(during), "p95 ratio": round(d95 / q95, 2)},
        {"measure": "commit to serve, article ingest", "seconds": round(after_ingest, 2)},
        {"measure": "commit to serve, results re-import (median of 5)", "seconds":
            round(statistics.median(served_times), 2), "max": round(max(served_times), 2)},
        {"measure": "store file", "MiB": round(size_mib, 1)},
    ])


if __name__ == "__main__":
    main()

"""HTTP latency per route and throughput under concurrency, against `hustings serve` on loopback.

Run with `make bench-http`. Builds a store from ../shared (the public results, the seeds and the BBC
politics articles), then:
- asks a mix of questions in process (`Bot.answer`) for the in-process p50/p95 per route;
- starts `hustings serve` as its own process and asks the same questions over POST /chat with one
  client: p50/p95 per route, and the HTTP overhead of each request (client wall time minus the
  server's own `timings_ms.total` for that answer);
- runs 1, 4 and 16 concurrent clients for requests/s and latency under load.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from bot.ask import Bot
from bot.evaluate import load_suite
from corpus.results import import_results
from corpus.store import Store
from index.build import ingest
from index.embed import Embedder
from tests.bench.ingest import bbc_paths
from tests.bench.record import p50_p95, write_result
from tests.helpers import PUBLIC_FILES

SUITES = Path(__file__).resolve().parents[1] / "eval"
PER_SUITE = 40  # questions taken from each suite, spread across it


def questions() -> list[str]:
    """Factual, coverage, router and refusal questions: every route gets asked."""
    asked: list[str] = []
    for suite in ("factual.yaml", "coverage.yaml", "router.yaml", "refusals.yaml"):
        cases = load_suite(SUITES / suite)
        step = max(1, len(cases) // PER_SUITE)
        asked += [c.turns[-1] for c in cases[::step][:PER_SUITE]]
    return asked


def build_store(shared: Path, data_dir: Path, embedder: Embedder) -> None:
    """Results, seeds and BBC politics, as `make eval` builds them."""
    with Store.open(data_dir) as store:
        for name in PUBLIC_FILES:
            import_results(store, shared / "data" / name)
    politics = [p for p in bbc_paths(shared) if p.parent.name == "politics"]
    ingest([shared / "corpus" / "seeds", *politics], data_dir, embedder)


def serve(data_dir: Path, model_cache: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`hustings serve` on a free loopback port, waited for until /health answers."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "HUSTINGS_DATA_DIR": str(data_dir), "HUSTINGS_MODEL_CACHE": str(model_cache),
           "HUSTINGS_RATE_LIMIT_PER_MINUTE": "0"}
    command = [str(Path(sys.executable).with_name("hustings")), "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("hustings serve did not come up")


def ask_over_http(client: httpx.Client, question: str) -> tuple[str, float, float]:
    """(route, client wall ms, server answer ms) for one new-conversation question."""
    started = time.perf_counter()
    response = client.post("/chat", json={"message": question, "session_id": None})
    wall = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    body = response.json()
    return body["route"], wall, body["timings_ms"]["total"]


def under_load(base: str, asked: list[str], clients: int, requests: int) -> dict[str, float]:
    """`clients` threads with their own connections sharing `requests` questions: requests/s and latency."""
    work = [asked[n % len(asked)] for n in range(requests)]

    def run(share: list[str]) -> list[float]:
        with httpx.Client(base_url=base, timeout=120) as client:
            return [ask_over_http(client, q)[1] for q in share]

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        walls = [w for part in pool.map(run, [work[i::clients] for i in range(clients)]) for w in part]
    elapsed = time.perf_counter() - started
    return {"clients": clients, "requests": requests, "requests_per_s": round(requests / elapsed, 1),
            **{f"{k}_ms": v for k, v in p50_p95(walls).items()}}


def peak_rss_mib(pid: int) -> float:
    """Peak resident memory of a process (Linux VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    """Run the benchmark, print its figures and write var/bench/http.json."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--model-cache", type=Path, default=Path.home() / ".cache" / "hustings" / "models")
    parser.add_argument("--rounds", type=int, default=3, help="times each question is asked per measurement")
    args = parser.parse_args()
    asked = questions()
    embedder = Embedder.load(args.model_cache)
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(scratch)
        build_store(args.shared, data_dir, embedder)
        bot = Bot.open(data_dir, embedder)
        in_process: dict[str, list[float]] = defaultdict(list)
        for _ in range(args.rounds):
            for question in asked:
                answer = bot.answer(question)
                in_process[answer.route].append(answer.timings_ms["total"])
        bot.close()

        process, base = serve(data_dir, args.model_cache)
        try:
            over_http: dict[str, list[float]] = defaultdict(list)
            overhead: list[float] = []
            with httpx.Client(base_url=base, timeout=120) as client:
                for question in asked[:10]:
                    ask_over_http(client, question)  # warm the connection and the server's caches
                for _ in range(args.rounds):
                    for question in asked:
                        route, wall, inside = ask_over_http(client, question)
                        over_http[route].append(wall)
                        overhead.append(wall - inside)
            load = [under_load(base, asked, clients, requests=len(asked) * 2) for clients in (1, 4, 16)]
            server_memory = peak_rss_mib(process.pid)
        finally:
            process.terminate()
            process.wait(timeout=30)

    rows = []
    for route in ("sql", "passages", "hybrid", "none"):
        inside, outside = p50_p95(in_process[route]), p50_p95(over_http[route])
        rows.append({"route": route, "questions": len(over_http[route]) // args.rounds,
                     "in_process_p50_ms": inside["p50"], "in_process_p95_ms": inside["p95"],
                     "http_p50_ms": outside["p50"], "http_p95_ms": outside["p95"]})
    extra = p50_p95(overhead)
    print(f"{len(asked)} questions x {args.rounds} rounds; HTTP overhead per request p50 {extra['p50']} ms, "
          f"p95 {extra['p95']} ms (goal p50 < 3 ms); server peak memory {server_memory:.0f} MiB")
    for row in rows:
        print("  " + ", ".join(f"{k} {v}" for k, v in row.items()))
    for row in load:
        print(f"  {row['clients']:>2} clients: {row['requests_per_s']} requests/s, "
              f"p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms")
    write_result(
        "http", "HTTP: POST /chat on loopback against `hustings serve`",
        rows + [{"route": "overhead (wall - answer)", "http_p50_ms": extra["p50"], "http_p95_ms": extra["p95"]}]
        + [{"route": f"{r['clients']} concurrent clients", "requests_per_s": r["requests_per_s"],
            "http_p50_ms": r["p50_ms"], "http_p95_ms": r["p95_ms"]} for r in load],
        latency_ms={f"http {r['route']}": {"p50": r["http_p50_ms"], "p95": r["http_p95_ms"]} for r in rows},
        notes=[f"server peak memory {server_memory:.0f} MiB", f"{len(asked)} questions x {args.rounds} rounds"],
    )


if __name__ == "__main__":
    main()

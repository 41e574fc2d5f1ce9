"""hustings against LlamaIndex and Haystack: the same corpus, model and queries, in one alternating run.

Run with `make bench-peers` (which builds .venv-llamaindex and .venv-haystack first). Corpus: the seeds plus
every non-duplicate BBC politics article, read once by hustings' reader so every system gets the same ids and
text. Each peer runs in its own virtualenv as a subprocess (protocol.py) with the same local all-MiniLM-L6-v2
and chunks of about 128 model tokens. Prints, per system: ingest passages/s, search latency p50/p95 (k=5,
queries interleaved across systems, each timed inside its process once all are idle), recall@5 and MRR@10 of a
gold passage over the coverage suite (is_gold: a chunk of a cited article holding an expected word), and hustings'
ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from bot.evaluate import Case, load_suite
from corpus.readers import read_articles
from corpus.records import Article
from index.build import ingest
from index.embed import Embedder, _package_model_path
from index.hybrid import PassageIndex
from tests.bench.ingest import bbc_paths
from tests.bench.passages import SUITE, is_gold
from tests.bench.record import p50_p95, write_result

ROOT = Path(__file__).resolve().parents[3]
K = 5
DEPTH = 10  # MRR is over the first 10 results
# Between two timed queries, wait until every system's process is idle: torch's and ONNX Runtime's worker
# threads spin on after their work (measured: a peer burns a whole core through a 50 ms pause, and the
# system timed next ran 2x slower), so a fixed pause would time each system on a half-busy machine.
QUIET_WINDOW_S = 0.02
QUIET_CPU_NS = 1_000_000  # under 1 ms of CPU across the processes in one window counts as idle
QUIET_LIMIT_S = 2.0
OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


@dataclass
class Outcome:
    """One system's figures."""

    name: str
    passages: int = 0
    ingest_seconds: float = 0.0
    load: str = ""  # the machine's 1-minute load average before and after ingesting (it is shared)
    tokens_mean: float = 0.0
    tokens_max: int = 0
    times_ms: list[float] = field(default_factory=list)
    found: int = 0
    reciprocal: float = 0.0
    peak_mib: float = 0.0


class Peer:
    """A peer framework in its own virtualenv, spoken to in JSON lines."""

    def __init__(self, name: str, venv: str, module: str, model: Path) -> None:
        python = ROOT / venv / "bin" / "python"
        if not python.exists():
            raise SystemExit(f"{python} is missing: run `make peers`")
        self.name = name
        self.process = subprocess.Popen(
            [str(python), "-m", module, "--model", str(model)], cwd=ROOT, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env={**os.environ, **OFFLINE},
        )
        self._read()  # {"ready": true} once the model is loaded

    def _read(self) -> dict[str, Any]:
        stdout: IO[str] = self.process.stdout  # type: ignore[assignment]
        line = stdout.readline()
        if not line:
            raise SystemExit(f"{self.name} stopped (exit {self.process.wait()}); see its output above")
        reply: dict[str, Any] = json.loads(line)
        if "error" in reply:
            raise SystemExit(f"{self.name}: {reply['error']}\n{reply.get('trace', '')}")
        return reply

    def call(self, op: str, **fields: Any) -> dict[str, Any]:
        """Send one request and wait for its reply."""
        stdin: IO[str] = self.process.stdin  # type: ignore[assignment]
        stdin.write(json.dumps({"op": op, **fields}) + "\n")
        stdin.flush()
        return self._read()

    def peak_mib(self) -> float:
        """The peer process's peak resident memory (VmHWM)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def close(self) -> None:
        """Ask the peer to stop and wait for it."""
        stdin: IO[str] = self.process.stdin  # type: ignore[assignment]
        stdin.write(json.dumps({"op": "quit"}) + "\n")
        stdin.close()
        self.process.wait(timeout=60)


def cpu_ns(pids: list[int]) -> int:
    """CPU time the processes' threads have used so far (the calling thread, which polls, left out)."""
    total, me = 0, threading.get_native_id()
    for pid in pids:
        for task in Path(f"/proc/{pid}/task").iterdir():
            if int(task.name) == me:
                continue
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (OSError, ValueError):  # a thread that ended while we looked
                pass
    return total


def settle(pids: list[int]) -> None:
    """Wait until the processes stop using CPU (their worker threads' spinning is over), at most a while."""
    deadline = time.monotonic() + QUIET_LIMIT_S
    before = cpu_ns(pids)
    while time.monotonic() < deadline:
        time.sleep(QUIET_WINDOW_S)
        now = cpu_ns(pids)
        if now - before < QUIET_CPU_NS:
            return
        before = now


def read_corpus(paths: list[Path]) -> list[Article]:
    """The articles as hustings reads them (ids, text); unreadable files are left out, as ingest does."""
    return [item for item in read_articles(paths) if isinstance(item, Article)]


def score(outcome: Outcome, case: Case, hits: list[tuple[str, str]]) -> None:
    """Add one query's recall@5 and reciprocal rank (within DEPTH) to the system's totals."""
    for rank, (article_id, text) in enumerate(hits[:DEPTH], start=1):
        if is_gold(case, article_id, text):
            outcome.found += rank <= K
            outcome.reciprocal += 1.0 / rank
            return


def main() -> None:
    """Ingest into every system, score the coverage suite, time interleaved queries, print and record."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--model-cache", type=Path, default=Path.home() / ".cache" / "hustings" / "models")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    paths = [args.shared / "corpus" / "seeds", *(p for p in bbc_paths(args.shared) if p.parent.name == "politics")]
    articles = read_corpus(paths)
    payload = [{"id": a.id, "text": a.text} for a in articles]
    cases = [c for c in load_suite(SUITE) if c.cite]
    queries = [c.turns[-1] for c in cases]
    model = _package_model_path()
    print(f"corpus: {len(articles)} articles; {len(cases)} coverage cases; model {model}", flush=True)

    peers = [Peer("LlamaIndex", ".venv-llamaindex", "tests.bench.peers.llamaindex_peer", model),
             Peer("Haystack", ".venv-haystack", "tests.bench.peers.haystack_peer", model)]
    embedder = Embedder.load(args.model_cache)
    embedder.embed(["warm up the model"])
    outcomes = {name: Outcome(name) for name in
                ("hustings", "hustings dense", "hustings BM25", "LlamaIndex", "Haystack dense", "Haystack BM25")}
    with tempfile.TemporaryDirectory() as scratch:
        # Ingest, one system after the other (each is one long step; the machine is shared, so note the time).
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        report = ingest(paths, Path(scratch), embedder)
        outcomes["hustings"].ingest_seconds = time.perf_counter() - started
        outcomes["hustings"].load = f"{load_before:.1f} -> {os.getloadavg()[0]:.1f}"
        outcomes["hustings"].passages = report.passages_total
        chunk_lengths = [embedder.count_tokens(t) for t in _passage_texts(Path(scratch))]
        outcomes["hustings"].tokens_mean = sum(chunk_lengths) / len(chunk_lengths)
        outcomes["hustings"].tokens_max = max(chunk_lengths)
        print(f"hustings: {report.passages_total} passages in {outcomes['hustings'].ingest_seconds:.1f} s", flush=True)
        for peer in peers:
            load_before = os.getloadavg()[0]
            reply = peer.call("ingest", articles=payload)
            target = outcomes[peer.name if peer.name == "LlamaIndex" else "Haystack dense"]
            target.load = f"{load_before:.1f} -> {os.getloadavg()[0]:.1f}"
            target.passages, target.ingest_seconds = reply["chunks"], reply["seconds"]
            target.tokens_mean, target.tokens_max = reply["tokens_mean"], reply["tokens_max"]
            print(f"{peer.name}: {reply['chunks']} chunks in {reply['seconds']:.1f} s", flush=True)
        index = PassageIndex.open(Path(scratch), embedder)
        llamaindex, haystack = peers
        generation = index.generation

        def hustings_search(query: str, k: int) -> tuple[list[tuple[str, str]], float]:
            began = time.perf_counter()
            hits = index.search(query, k)
            ms = (time.perf_counter() - began) * 1000
            return [(h.stored.passage.article_id, h.stored.passage.text) for h in hits], ms

        def one_retriever(positions: Any) -> list[tuple[str, str]]:
            stored = index.store.passages_by_keys([int(generation.keys[p]) for p in positions])
            return [(s.passage.article_id, s.passage.text) for s in stored]

        def peer_search(peer: Peer, query: str, k: int, mode: str = "dense") -> tuple[list[tuple[str, str]], float]:
            reply = peer.call("search", query=query, k=k, mode=mode)
            return [(h["article_id"], h["text"]) for h in reply["hits"]], reply["ms"]

        systems = {
            "hustings": lambda q, k: hustings_search(q, k),
            "LlamaIndex": lambda q, k: peer_search(llamaindex, q, k),
            "Haystack dense": lambda q, k: peer_search(haystack, q, k),
            "Haystack BM25": lambda q, k: peer_search(haystack, q, k, "bm25"),
        }
        # Quality (also the warm-up): every system, every case, the first DEPTH results.
        for case, query in zip(cases, queries, strict=True):
            for name, search in systems.items():
                score(outcomes[name], case, search(query, DEPTH)[0])
            vector = embedder.embed([query])[0]
            score(outcomes["hustings dense"], case, one_retriever(generation.dense.search(vector, DEPTH)[0]))
            score(outcomes["hustings BM25"], case, one_retriever(generation.lexical.search(query, DEPTH)[0]))
        # Latency: k=5, the systems interleaved query by query, their order rotated, so a busy moment on the
        # shared machine falls on all of them alike.
        names = list(systems)
        pids = [os.getpid(), *(peer.process.pid for peer in peers)]
        for round_number in range(args.rounds):
            for n, query in enumerate(queries):
                shift = (n + round_number) % len(names)
                for name in names[shift:] + names[:shift]:
                    settle(pids)
                    outcomes[name].times_ms.append(systems[name](query, K)[1])
        outcomes["LlamaIndex"].peak_mib = llamaindex.peak_mib()
        outcomes["Haystack dense"].peak_mib = haystack.peak_mib()
        index.close()
    for peer in peers:
        peer.close()
    outcomes["Haystack BM25"].passages = outcomes["Haystack dense"].passages
    outcomes["Haystack BM25"].ingest_seconds = outcomes["Haystack dense"].ingest_seconds
    outcomes["Haystack BM25"].load = outcomes["Haystack dense"].load
    print_and_record(outcomes, len(cases), len(articles))


def _passage_texts(data_dir: Path) -> list[str]:
    from corpus.store import Store

    with Store.open(data_dir, read_only=True) as store:
        keys, _ = store.passage_keys()
        return store.passage_texts(keys.tolist())


def print_and_record(outcomes: dict[str, Outcome], cases: int, articles: int) -> None:
    """Print the table and the ratios against hustings, check the issue's goals, write var/bench/peers.json."""
    from tests.bench.record import peak_memory_mib

    outcomes["hustings"].peak_mib = peak_memory_mib()
    rows: list[dict[str, Any]] = []
    latency: dict[str, dict[str, float]] = {}
    for o in outcomes.values():
        row: dict[str, Any] = {"system": o.name, f"recall@{K}": f"{o.found / cases:.1%}",
                               "MRR@10": round(o.reciprocal / cases, 3)}
        if o.ingest_seconds:
            row.update({"passages": o.passages, "tokens mean/max": f"{o.tokens_mean:.0f}/{o.tokens_max}",
                        "ingest passages/s": round(o.passages / o.ingest_seconds, 1), "load during ingest": o.load})
        if o.times_ms:
            latency[f"search: {o.name}"] = p50_p95(o.times_ms)
            row.update({"search p50 ms": latency[f"search: {o.name}"]["p50"],
                        "search p95 ms": latency[f"search: {o.name}"]["p95"]})
        if o.peak_mib:
            row["peak MiB"] = round(o.peak_mib)
        rows.append(row)
    for row in rows:
        print("  ".join(f"{k}={v}" for k, v in row.items()))
    ours = outcomes["hustings"]
    ours_p50, ours_p95 = p50_p95(ours.times_ms).values()
    ours_rate = ours.passages / ours.ingest_seconds
    notes = []
    for name in ("LlamaIndex", "Haystack dense", "Haystack BM25"):
        peer = outcomes[name]
        p50, p95 = p50_p95(peer.times_ms).values()
        rate = peer.passages / peer.ingest_seconds
        line = (f"{name}: hustings search is {p50 / ours_p50:.1f}x faster at p50, {p95 / ours_p95:.1f}x at p95; "
                f"ingests {ours_rate / rate:.1f}x the passages/s; recall@5 {ours.found - peer.found:+d} cases")
        notes.append(line)
        print(line)
    dense_peers = [outcomes["LlamaIndex"], outcomes["Haystack dense"]]
    rates = [p.passages / p.ingest_seconds for p in dense_peers]
    goals = {
        "at least 5x faster per query (p50) than either peer": all(
            p50_p95(p.times_ms)["p50"] >= 5 * ours_p50 for p in dense_peers),
        "at least 3x either peer's ingest rate": all(ours_rate >= 3 * rate for rate in rates),
        "recall@5 no worse than the best peer retriever (BM25 included)": ours.found >= max(
            outcomes[n].found for n in ("LlamaIndex", "Haystack dense", "Haystack BM25")),
    }
    for goal, met in goals.items():
        line = f"goal {'MET' if met else 'NOT MET'}: {goal}"
        notes.append(line)
        print(line)
    notes.append(f"{articles} articles (seeds + non-duplicate BBC politics), {cases} coverage cases; hustings "
                 "ingest is end to end from files (read, chunk, embed, DuckDB, index files), the peers' from texts "
                 "in memory; search latency is timed inside each process (no pipe overhead), each query once all three "
                 "processes are idle")
    write_result("peers", "Peers: hustings vs LlamaIndex vs Haystack (same corpus, model, queries)", rows, latency,
                 notes=notes)


if __name__ == "__main__":
    sys.exit(main())

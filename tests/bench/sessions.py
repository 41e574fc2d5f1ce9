"""Conversations for replicas: what a turn costs in SQLite and in Redis, and what Redis holds per conversation.

Run with `make bench-sessions`. The conversations are real: the conversation suite's cases asked of the bot
over the store `make eval` builds from ../shared (var/eval), so each stored turn
carries what real answers leave behind (places, parties, shapes, listed rows). Each of `--conversations`
sessions replays one of them; a turn is what every /chat request does to its session: load it, append a
turn, save it. Both stores are timed on this machine, Redis as a local `redis-server` over loopback TCP
(started here on a free port, without persistence), so the figures are the store's, not a network's.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from itertools import cycle
from pathlib import Path

from api.settings import Settings
from bot.ask import Bot
from bot.conversation import Conversation, Turn
from bot.evaluate import load_suite
from bot.sessions import SessionStore
from bot.sessions_redis import RedisSessionStore, RedisUnavailable, connect_redis
from index.embed import Embedder
from tests.bench.record import p50_p95, write_result
from tests.redis_server import free_port

SUITE = Path(__file__).resolve().parents[1] / "eval" / "conversations.yaml"


def real_conversations(data_dir: Path, model_cache: Path) -> list[list[Turn]]:
    """The turns the bot keeps for each conversation case of the suite."""
    bot = Bot.open(data_dir, Embedder.load(model_cache))
    kept = []
    for case in load_suite(SUITE):
        conversation = Conversation("bench")
        for question in case.turns:
            bot.answer(question, conversation)
        kept.append(list(conversation.turns))
    return kept


def replay(store: SessionStore | RedisSessionStore, conversations: list[list[Turn]], count: int) -> list[float]:
    """Milliseconds per turn (load, append, save) over `count` sessions, each replaying one real conversation."""
    times = []
    for n, turns in zip(range(count), cycle(conversations), strict=False):
        for turn in turns:
            started = time.perf_counter()
            conversation = store.load(f"bench-{n}", "cli")
            conversation.turns.append(turn)
            store.save(conversation, "cli")
            times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=Path("var") / "eval")
    parser.add_argument("--model-cache", type=Path, default=Settings().model_cache)
    parser.add_argument("--conversations", type=int, default=20_000)
    args = parser.parse_args()
    conversations = real_conversations(args.data_dir, args.model_cache)
    turns = sum(len(t) for t in conversations)
    rows, latency = [], {}
    with tempfile.TemporaryDirectory() as scratch:
        sqlite = SessionStore.open(Path(scratch), ttl_seconds=24 * 3600)
        latency["sqlite"] = p50_p95(replay(sqlite, conversations, args.conversations))
        size = sqlite.path.stat().st_size + sum(p.stat().st_size for p in Path(scratch).glob("*-wal"))
        sqlite.close()
        rows.append({"store": "SQLite (one machine)", "conversations": args.conversations,
                     "turn p50 ms": latency["sqlite"]["p50"], "turn p95 ms": latency["sqlite"]["p95"],
                     "bytes per conversation": round(size / args.conversations)})
        port = free_port()
        server = subprocess.Popen([shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind",
                                   "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", scratch],
                                  stdout=subprocess.DEVNULL)
        try:
            url = f"redis://127.0.0.1:{port}/0"
            probe = None
            for _ in range(200):
                try:
                    probe = connect_redis(url)
                    break
                except RedisUnavailable:
                    time.sleep(0.05)
            if probe is None:
                raise SystemExit(f"redis-server did not start on port {port}")
            empty = int(probe.info("memory")["used_memory"])
            redis = RedisSessionStore.open(url, ttl_seconds=24 * 3600)
            latency["redis"] = p50_p95(replay(redis, conversations, args.conversations))
            used = int(probe.info("memory")["used_memory"]) - empty
            rows.append({"store": "Redis (replicas)", "conversations": args.conversations,
                         "turn p50 ms": latency["redis"]["p50"], "turn p95 ms": latency["redis"]["p95"],
                         "bytes per conversation": round(used / args.conversations)})
            redis.close()
            probe.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    for row in rows:
        print(row)
    write_result("sessions", "Conversations: a turn's load and save, SQLite against Redis", rows, latency,
                 notes=[f"{len(conversations)} real conversations ({turns} turns) of {SUITE.name}, replayed over "
                        f"{args.conversations:,} sessions; Redis is a local redis-server over loopback TCP",
                        "bytes per conversation: the SQLite file (and WAL) or Redis's used_memory growth, "
                        "divided by the conversations"])


if __name__ == "__main__":
    main()

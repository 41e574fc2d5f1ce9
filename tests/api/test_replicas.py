"""Two `hustings serve` replicas over one store and one real redis-server: any replica continues any
conversation, Slack is answered once across them, and a replica killed with kill -9 loses nothing."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.chat import GENERATION_HEADER
from api.slack_log import EVENTS_FILE
from bot.sessions import SESSIONS_FILE
from corpus.generations import CURRENT
from tests.api.conftest import sample_settings
from tests.api.fake_slack import BOT_USER, FakeSlack, event, new_ts, reply_to, running_slack, signed, texts
from tests.api.test_live_loading import ARTICLE, HUSTINGS, QUESTION, RESULTS, SIDECAR
from tests.api.test_slack_durable import data_dir, free_port, post_event, start_server  # noqa: F401 (a fixture)
from tests.conftest import MODEL_CACHE
from tests.redis_server import RedisServer, running_redis

pytestmark = [pytest.mark.model, pytest.mark.redis]
Replicas = list[tuple[str, subprocess.Popen[bytes]]]  # (base URL, process) of each


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    yield from running_redis(tmp_path)


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    yield from running_slack()


@pytest.fixture
def replicas(data_dir: Path, slack: FakeSlack, redis_url: str) -> Iterator[Replicas]:  # noqa: F811
    """Two servers behind a load balancer, each on its own copy of the store (as on two machines), sharing only
    one Redis: (base URL, process) each. Nothing is written beside either store."""
    copies = [data_dir, data_dir.with_name("data-2")]
    shutil.copytree(data_dir, copies[1])
    yield from serving(copies, slack, redis_url)


@pytest.fixture
def sharing(data_dir: Path, slack: FakeSlack, redis_url: str) -> Iterator[Replicas]:  # noqa: F811
    """Two servers on one data directory (one machine, or a shared volume) and one Redis."""
    yield from serving([data_dir, data_dir], slack, redis_url)


def serving(data_dirs: list[Path], slack: FakeSlack, redis_url: str) -> Iterator[Replicas]:
    """A `hustings serve` on each data directory, all on one Redis; stopped afterwards, and checked to have
    written no sessions or Slack file beside their stores."""
    started: Replicas = []
    try:
        for folder in data_dirs:
            port = free_port()
            started.append((f"http://127.0.0.1:{port}",
                            start_server(folder, slack, port, HUSTINGS_REDIS_URL=redis_url,
                                         HUSTINGS_GENERATION_POLL_SECONDS="0.2")))
        yield started
    finally:
        for _, server in started:
            if server.poll() is None:
                server.terminate()
                server.wait(timeout=30)
    for folder in data_dirs:
        assert not (folder / SESSIONS_FILE).exists() and not (folder / EVENTS_FILE).exists()


def chat(base: str, message: str, session_id: str | None = None) -> dict:
    response = httpx.post(f"{base}/chat", json={"message": message, "session_id": session_id}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_conversation_begun_on_one_replica_continues_on_the_other_and_outlives_a_kill_9(
    replicas: Replicas,
) -> None:
    (first, first_server), (second, _) = replicas
    opened = chat(first, "Who won Hartlepool in 2019?")
    followed = chat(second, "What about 2017?", opened["session_id"])
    assert followed["session_id"] == opened["session_id"]
    assert followed["route"] == "sql" and "Hartlepool" in followed["answer"] and "2017" in followed["understood"]

    only_first = chat(first, "Who controls Barnet after 2022?")["session_id"]  # a conversation the second never saw
    first_server.send_signal(signal.SIGKILL)
    first_server.wait(timeout=30)
    after = chat(second, "And Trafford?", only_first)
    assert after["session_id"] == only_first
    assert "Trafford" in after["answer"] and "control" in after["understood"].lower()
    again = chat(second, "And in 2019?", opened["session_id"])  # three turns in, across both replicas
    assert again["session_id"] == opened["session_id"] and "Hartlepool" in again["answer"]


def test_a_slack_retry_sent_to_the_other_replica_is_answered_once(
    replicas: Replicas, slack: FakeSlack,
) -> None:
    (first, _), (second, _) = replicas
    ts = new_ts()
    asked = event(f"<@{BOT_USER}> Who won Hartlepool in 2019?", ts)
    assert post_event(first, asked).json()["answering"]
    body = json.dumps(asked).encode()
    retried = httpx.post(f"{second}/slack/events", content=body, timeout=10,
                         headers={"Content-Type": "application/json", **signed(body, retry="1")})
    assert retried.json()["ignored"].startswith("already handled")
    slack.wait_for(reply_to(ts))
    # A follow-up in the same thread, sent to the other replica, is read in the thread's conversation.
    follow = new_ts()
    post_event(second, event(f"<@{BOT_USER}> What about 2017?", follow, thread_ts=ts))
    answer, followed = slack.wait_for(reply_to(ts), n=2)
    assert "2019" in texts(answer) and "2017" in texts(followed) and "Hartlepool" in texts(followed)
    later = new_ts()
    post_event(first, event(f"<@{BOT_USER}> Who won Blyth Valley in 2019?", later))
    slack.wait_for(reply_to(later))  # answered after both: a second answer to either would be out by now
    assert len(slack.matching(reply_to(ts))) == 2  # the answer and the follow-up's, once each


def test_questions_a_killed_replica_acknowledged_are_answered_once_by_the_other(
    replicas: Replicas, slack: FakeSlack,
) -> None:
    (first, first_server), (second, _) = replicas
    questions = ["How many seats did Labour win in Hull in 2018?", "Who won Blyth Valley in 2019?",
                 "Who controls Trafford after 2022?"]
    threads = [new_ts() for _ in questions]
    slack.holding.set()  # Slack takes no reply yet: what the first replica answered is still to be posted
    for question, ts in zip(questions, threads, strict=True):
        assert post_event(first, event(f"<@{BOT_USER}> {question}", ts)).json()["answering"]
    first_server.send_signal(signal.SIGKILL)
    first_server.wait(timeout=30)
    slack.holding.clear()
    # The second replica, still running, takes them over once the first's heartbeat has run out (~10 s).
    for ts in threads:
        slack.wait_for(reply_to(ts))
    later = new_ts()
    post_event(second, event(f"<@{BOT_USER}> Who won Hartlepool in 2017?", later))
    slack.wait_for(reply_to(later))  # answered after every one taken over: any second answer is out by now
    for ts in threads:
        assert len(slack.matching(reply_to(ts))) == 1, ts
    labour = slack.matching(reply_to(threads[0]))[0]
    assert "Labour won 31 of the 57 seats" in labour.body["text"]


def test_one_ingest_moves_every_replica_reading_the_store_to_its_generation(
    sharing: Replicas, data_dir: Path, tmp_path: Path,  # noqa: F811
) -> None:
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "portown-count.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "portown-2026.csv").write_text(RESULTS, encoding="utf-8")
    (tmp_path / "portown-2026.source.yaml").write_text(SIDECAR, encoding="utf-8")
    before = {httpx.post(f"{base}/chat", json={"message": QUESTION}, timeout=60).headers[GENERATION_HEADER]
              for base, _ in sharing}
    env = {**os.environ, "HUSTINGS_DATA_DIR": str(data_dir), "HUSTINGS_MODEL_CACHE": str(MODEL_CACHE)}
    built = subprocess.run([str(HUSTINGS), "ingest", str(tmp_path / "new"), "--results",
                            str(tmp_path / "portown-2026.csv")], capture_output=True, text=True, env=env, timeout=300)
    assert built.returncode == 0, built.stderr
    newest = (data_dir / CURRENT).read_text().strip()
    assert len(before) == 1 and newest not in before
    for base, _ in sharing:
        deadline = time.monotonic() + 30
        while httpx.get(f"{base}/health", timeout=10).json().get("generation") != newest:
            assert time.monotonic() < deadline, f"{base} did not move to {newest}"
            time.sleep(0.1)
        answer = httpx.post(f"{base}/chat", json={"message": QUESTION}, timeout=60)
        assert answer.headers[GENERATION_HEADER] == newest
        assert "Labour controlled Portown with 25 of the 40 seats" in answer.json()["answer"]


def test_while_the_shared_redis_is_down_chat_and_health_say_so_with_503_and_recover_once_it_is_back(
    sample_dir: Path, tmp_path: Path,
) -> None:
    server = RedisServer(tmp_path).start()
    try:
        with TestClient(create_app(sample_settings(sample_dir, redis_url=server.url))) as client:
            assert client.get("/health").json()["conversations"] == "redis"
            assert client.post("/chat", json={"message": "Who won Hartlepool in 2019?"}).status_code == 200
            server.stop()
            down = client.post("/chat", json={"message": "Who won Hartlepool in 2019?"})
            assert down.status_code == 503
            assert f"Redis at 127.0.0.1:{server.port}/0 does not answer" in down.json()["detail"]
            assert client.get("/health").status_code == 503
            server.start()
            assert client.get("/health").status_code == 200
            assert client.post("/chat", json={"message": "Who won Hartlepool in 2019?"}).status_code == 200
    finally:
        server.stop()

"""Slack questions survive a crash (kill -9 of a real server), stay in Slack, and hostile text stays text."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from fastapi.testclient import TestClient

from api.slack_log import EVENTS_FILE, Question, Reply, SlackEventLog
from corpus.generations import CURRENT, STORES
from index.generation import INDEX_DIR
from tests.api.fake_slack import (
    BOT_USER,
    FAST,
    SECRET,
    SEQUENCE,
    TOKEN,
    FakeSlack,
    event,
    new_ts,
    reply_to,
    running_slack,
    signed,
    slack_client,
)
from tests.conftest import MODEL_CACHE

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.model


@pytest.fixture
def data_dir(sample_dir: Path, tmp_path: Path) -> Path:
    """A copy of the sample store and index, so that this test's sessions and Slack rows are its own."""
    copy = tmp_path / "data"
    copy.mkdir()
    shutil.copy2(sample_dir / CURRENT, copy / CURRENT)
    shutil.copytree(sample_dir / STORES, copy / STORES)
    shutil.copytree(sample_dir / INDEX_DIR, copy / INDEX_DIR)
    return copy


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    yield from running_slack()


def configured(data_dir: Path, slack: FakeSlack) -> TestClient:
    return slack_client(data_dir, slack)


def post_event(base: str, payload: dict) -> httpx.Response:
    body = json.dumps(payload).encode()
    return httpx.post(f"{base}/slack/events", content=body, timeout=10,
                      headers={"Content-Type": "application/json", **signed(body)})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(data_dir: Path, slack: FakeSlack, port: int, **settings: str) -> subprocess.Popen[bytes]:
    """`hustings serve` in its own process, Slack configured against the stand-in (and any other settings, as
    environment variables); returns once it is up."""
    env = {**os.environ, "HUSTINGS_DATA_DIR": str(data_dir), "HUSTINGS_MODEL_CACHE": str(MODEL_CACHE),
           "HUSTINGS_SLACK_SIGNING_SECRET": SECRET, "HUSTINGS_SLACK_BOT_TOKEN": TOKEN,
           "HUSTINGS_SLACK_API_BASE": f"{slack.url}/api/", "HUSTINGS_RATE_LIMIT_PER_MINUTE": "0", **settings}
    server = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port", str(port)], cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        if server.poll() is not None:
            raise RuntimeError(f"the server exited: {server.stderr.read().decode() if server.stderr else ''}")
        time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start within two minutes")


def statuses(data_dir: Path) -> dict[str, str]:
    with sqlite3.connect(data_dir / EVENTS_FILE) as db:
        return dict(db.execute("SELECT id, status FROM slack_events").fetchall())


def test_questions_acknowledged_before_a_kill_9_are_answered_once_after_the_restart(
    data_dir: Path, slack: FakeSlack
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    questions = ["How many seats did Labour win in Hull in 2018?", "Who won Hartlepool in 2019?",
                 "Who controls Barnet after 2022?", "How many seats did the Lib Dems win in Hull in 2018?",
                 "Who won Blyth Valley in 2019?", "Who controls Trafford after 2022?"]
    threads = [new_ts() for _ in questions]
    slack.holding.set()  # Slack takes no reply: whatever was answered is still waiting to be posted
    server = start_server(data_dir, slack, port)
    try:
        for question, ts in zip(questions, threads, strict=True):
            acknowledged = post_event(base, event(f"<@{BOT_USER}> {question}", ts))
            assert acknowledged.status_code == 200 and acknowledged.json()["answering"]
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)
    assert not slack.matching(lambda p: True)
    assert set(statuses(data_dir).values()) <= {"queued", "posting"}
    slack.holding.clear()

    restarted = start_server(data_dir, slack, port)
    try:
        for ts in threads:
            slack.wait_for(reply_to(ts))
        retry = post_event(base, event(f"<@{BOT_USER}> {questions[0]}", threads[0]))  # Slack's retry of one
        assert retry.json()["ignored"].startswith("already handled")
        later = new_ts()
        post_event(base, event(f"<@{BOT_USER}> Who won Hartlepool in 2017?", later))
        slack.wait_for(reply_to(later))  # answered after every recovered one: any second answer is out by now
    finally:
        restarted.terminate()
        restarted.wait(timeout=30)
    for ts in threads:
        assert len(slack.matching(reply_to(ts))) == 1, ts
    assert set(statuses(data_dir).values()) == {"answered"}
    labour = slack.matching(reply_to(threads[0]))[0]
    assert "Labour won 31 of the 57 seats" in labour.body["text"]


def test_a_restart_takes_over_only_the_questions_of_a_server_that_is_gone(tmp_path: Path) -> None:
    gone = SlackEventLog(tmp_path / EVENTS_FILE)
    gone.claim(Question("Ev1", "Who won Hartlepool in 2019?", "slack:T:C:1", channel="C", thread_ts="1"), "app_mention")
    gone.claim(Question("Ev2", "And in 2017?", "slack:T:C:1", channel="C", thread_ts="1"), "app_mention")
    gone.answered("Ev1", Reply("Jill Mortimer won", [{"type": "section"}]))
    running = SlackEventLog(tmp_path / EVENTS_FILE)
    running.claim(Question("Ev3", "Who won Blyth Valley in 2019?", "slack:T:C:3"), "app_mention")
    assert running.pending() == []  # the first is still running: its rows are its own
    gone.close()  # as good as a crash: only the lock matters, and it goes with the process
    starting = SlackEventLog(tmp_path / EVENTS_FILE)
    taken = starting.pending()
    assert [(q.event_id, r.text if r else None) for q, r in taken] == [("Ev1", "Jill Mortimer won"), ("Ev2", None)]
    assert starting.pending() == []  # taken once


def test_a_question_too_old_to_answer_after_a_restart_is_recorded_as_failed(tmp_path: Path) -> None:
    now = [1_000_000.0]
    gone = SlackEventLog(tmp_path / EVENTS_FILE, clock=lambda: now[0])
    gone.claim(Question("Ev1", "Who won Hartlepool in 2019?", "slack:T:C:1"), "app_mention")
    gone.close()
    now[0] += 2 * 3600
    starting = SlackEventLog(tmp_path / EVENTS_FILE, clock=lambda: now[0])
    assert starting.pending() == []
    record = starting.get("Ev1")
    assert record is not None and record.status == "failed" and "down for more than 1 hour" in (record.detail or "")


def test_a_slack_conversation_cannot_be_read_or_steered_over_chat(data_dir: Path, slack: FakeSlack) -> None:
    with configured(data_dir, slack) as client:
        client.app.state.slack.responder.delays = FAST  # type: ignore[attr-defined]
        thread = new_ts()
        body = json.dumps(event(f"<@{BOT_USER}> How many seats did Labour win in Hull in 2018?", thread)).encode()
        client.post("/slack/events", content=body, headers=signed(body))
        slack.wait_for(reply_to(thread))
        session = f"slack:T0PAPER:C0NEWS:{thread}"
        read = client.post("/chat", json={"message": "And the Conservatives?", "session_id": session}).json()
        assert read["session_id"] != session and "Hull" not in read["answer"]
        client.post("/chat", json={"message": "Who won Hartlepool in 2019?", "session_id": session})
        follow = new_ts()
        body = json.dumps(event(f"<@{BOT_USER}> And the Lib Dems?", follow, thread_ts=thread)).encode()
        client.post("/slack/events", content=body, headers=signed(body))
        replies = slack.wait_for(reply_to(thread), n=2)
    assert "Liberal Democrats won 24 of the 57 seats" in replies[1].body["text"]  # still Hull 2018


def test_the_askers_text_is_escaped_in_the_acknowledgement_and_the_answer(data_dir: Path, slack: FakeSlack) -> None:
    hook = f"/hooks/T0PAPER/{next(SEQUENCE)}"
    hostile = "<!channel> <https://evil.example|results> Who won Hartlepool in 2019?"
    form = urlencode({"command": "/hustings", "text": hostile, "team_id": "T0PAPER", "channel_id": "C0NEWS",
                      "user_id": "U0EDITOR", "response_url": slack.url + hook,
                      "trigger_id": f"trig{next(SEQUENCE)}"}).encode()
    with configured(data_dir, slack) as client:
        ack = client.post("/slack/commands", content=form, headers=signed(form))
        [post] = slack.wait_for(lambda p: p.path == hook)
    everything = json.dumps(post.body) + ack.text
    assert "<!channel>" not in everything and "<https://evil.example" not in everything
    assert "&lt;!channel&gt; &lt;https://evil.example|results&gt;" in ack.json()["text"]
    assert "<@U0EDITOR> asked: &lt;!channel&gt;" in json.dumps(post.body, ensure_ascii=False)


@pytest.mark.parametrize(("body", "headers"), [
    (b"\xff\xfe\xfd", {"X-Slack-Signature": "v0=00"}),  # not UTF-8
    (b"{}", {"X-Slack-Signature": "v0=\xe9\xe9"}),  # a signature that is not ASCII
    (b"{}", {"X-Slack-Request-Timestamp": "\xb2", "X-Slack-Signature": "v0=00"}),  # a digit that int() refuses
])
def test_undecodable_requests_without_the_secret_get_401(
    data_dir: Path, slack: FakeSlack, body: bytes, headers: dict[str, str]
) -> None:
    with configured(data_dir, slack) as client:
        for path in ("/slack/events", "/slack/commands"):
            sent = {"X-Slack-Request-Timestamp": str(int(time.time())), **headers}
            response = client.post(path, content=body, headers={k: v.encode("latin-1") for k, v in sent.items()})
            assert response.status_code == 401, response.text

"""Socket Mode against a stand-in for Slack's WebSocket endpoint on loopback, with the real bot over the sample.

The stand-in (websockets) is what Slack is to a Socket Mode app: the fake Web API's apps.connections.open
hands out its ws:// address, it says hello, sends envelopes and reads the acknowledgements; the answers go to
the fake Web API (chat.postMessage) and response_url, as over HTTP.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from corpus.generations import CURRENT, STORES
from index.generation import INDEX_DIR
from tests.api.fake_slack import (
    BOT_USER,
    DEADLINE,
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
    texts,
)
from tests.conftest import MODEL_CACHE

REPO = Path(__file__).resolve().parents[2]
APP_TOKEN = "xapp-1-A0HUSTINGS-1-test"
ALLOWED = "C0NEWS,C0DESK"
OPENS = "/api/apps.connections.open"
ENVELOPES = count(1)
pytestmark = pytest.mark.model


class SocketSlack:
    """Slack's Socket Mode endpoint on loopback: sends envelopes down the newest connection and records every
    message the client sends back."""

    def __init__(self, web: FakeSlack) -> None:
        self.connections: list[ServerConnection] = []
        self.received: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.loop = asyncio.new_event_loop()
        # close_timeout: slack_sdk's client drops the TCP connection on a close frame without closing back.

        async def start() -> Server:
            return await serve(self._talk, "127.0.0.1", 0, ping_interval=None, close_timeout=1)

        self.server = self.loop.run_until_complete(start())
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        port = self.server.sockets[0].getsockname()[1]
        web.socket_url = f"ws://127.0.0.1:{port}/link/?ticket={uuid.uuid4().hex}"

    async def _talk(self, connection: ServerConnection) -> None:
        with self.lock:
            self.connections.append(connection)
        await connection.send(json.dumps({"type": "hello", "num_connections": len(self.connections),
                                          "connection_info": {"app_id": "A0HUSTINGS"}}))
        try:
            async for message in connection:
                with self.lock:
                    self.received.append(json.loads(message))
        except ConnectionClosed:
            pass

    def send(self, envelope: dict[str, Any]) -> None:
        """Send an envelope down the newest open connection."""
        with self.lock:
            newest = [c for c in self.connections if c.state.name == "OPEN"][-1]
        asyncio.run_coroutine_threadsafe(newest.send(json.dumps(envelope)), self.loop).result(5)

    def drop(self) -> None:
        """Close the newest connection, as Slack does when it moves an app to another server."""
        with self.lock:
            newest = self.connections[-1]
        asyncio.run_coroutine_threadsafe(newest.close(1001, "going away"), self.loop)

    def wait_connections(self, n: int) -> None:
        """Wait until the client has opened `n` connections and the newest is open."""
        until(lambda: len(self.connections) >= n and self.connections[-1].state.name == "OPEN",
              f"{n} connections")

    def wait_ack(self, envelope_id: str) -> dict[str, Any]:
        """The acknowledgement of an envelope, once it comes."""
        until(lambda: any(m.get("envelope_id") == envelope_id for m in self.received), f"an ack of {envelope_id}")
        with self.lock:
            return next(m for m in self.received if m.get("envelope_id") == envelope_id)

    def acks_of(self, envelope_id: str) -> int:
        with self.lock:
            return sum(m.get("envelope_id") == envelope_id for m in self.received)

    def close(self) -> None:
        self.server.close()
        asyncio.run_coroutine_threadsafe(self.server.wait_closed(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)


def until(done: Any, what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if done():
            return
        time.sleep(0.02)
    raise AssertionError(f"no {what} within {DEADLINE}s")


def wait_answered(client: TestClient, event_id: str) -> None:
    """Wait until the event log says the reply reached Slack (a moment after the stand-in has it)."""
    events = client.app.state.slack.events  # type: ignore[attr-defined]
    until(lambda: (record := events.get(event_id)) is not None and record.status == "answered", f"{event_id} answered")


def events_api(payload: dict[str, Any], retry: int = 0) -> dict[str, Any]:
    """An events_api envelope, as Slack sends one down the socket."""
    return {"envelope_id": f"env-{next(ENVELOPES)}", "type": "events_api", "payload": payload,
            "accepts_response_payload": False, "retry_attempt": retry, "retry_reason": "timeout" if retry else ""}


def slash_command(text: str, response_url: str, channel: str = "C0NEWS") -> dict[str, Any]:
    """A slash_commands envelope: the command's fields as JSON instead of a form."""
    fields = {"command": "/hustings", "text": text, "team_id": "T0PAPER", "channel_id": channel,
              "user_id": "U0EDITOR", "response_url": response_url, "trigger_id": f"trig{next(SEQUENCE)}"}
    return {"envelope_id": f"env-{next(ENVELOPES)}", "type": "slash_commands", "payload": fields,
            "accepts_response_payload": True}


def copy_sample(sample_dir: Path, into: Path) -> Path:
    """The sample store and index in a folder of their own, so this module's sessions and Slack rows are too."""
    into.mkdir(parents=True, exist_ok=True)
    shutil.copy2(sample_dir / CURRENT, into / CURRENT)
    shutil.copytree(sample_dir / STORES, into / STORES)
    shutil.copytree(sample_dir / INDEX_DIR, into / INDEX_DIR)
    return into


@pytest.fixture(scope="module")
def web() -> Iterator[FakeSlack]:
    yield from running_slack()


@pytest.fixture(scope="module")
def socket_slack(web: FakeSlack) -> Iterator[SocketSlack]:
    stand_in = SocketSlack(web)
    yield stand_in
    stand_in.close()


@pytest.fixture(scope="module")
def client(sample_dir: Path, tmp_path_factory: pytest.TempPathFactory, web: FakeSlack,
           socket_slack: SocketSlack) -> Iterator[TestClient]:
    """The app with both doors open: Socket Mode (the app token) and HTTP (the signing secret)."""
    data_dir = copy_sample(sample_dir, tmp_path_factory.mktemp("socket") / "data")
    with slack_client(data_dir, web, slack_app_token=SecretStr(APP_TOKEN), slack_channels=ALLOWED) as test_client:
        test_client.app.state.slack.responder.delays = FAST  # type: ignore[attr-defined]
        socket_slack.wait_connections(1)
        until(test_client.app.state.slack_socket.connected, "the client's side of the socket")  # type: ignore[attr-defined]
        yield test_client


def test_the_app_opens_the_socket_with_its_app_token_at_the_configured_web_api(
    client: TestClient, web: FakeSlack, socket_slack: SocketSlack
) -> None:
    [opened, *_] = web.matching(lambda p: p.path == OPENS)
    assert opened.headers["Authorization"] == f"Bearer {APP_TOKEN}"
    assert len(socket_slack.connections) == 1


def test_a_mention_is_acked_at_once_and_answered_in_its_thread_then_followed_up(
    client: TestClient, web: FakeSlack, socket_slack: SocketSlack
) -> None:
    ts = new_ts()
    envelope = events_api(event(f"<@{BOT_USER}> How many seats did Labour win in Hull in 2018?", ts))
    sent = time.monotonic()
    socket_slack.send(envelope)
    ack = socket_slack.wait_ack(envelope["envelope_id"])
    assert time.monotonic() - sent < 3.0 and ack == {"envelope_id": envelope["envelope_id"]}
    [post] = web.wait_for(reply_to(ts))
    assert post.headers["Authorization"] == f"Bearer {TOKEN}" and post.body["channel"] == "C0NEWS"
    assert "Labour won 31 of the 57 seats" in texts(post) and "route: `sql`" in texts(post)
    socket_slack.send(events_api(event(f"<@{BOT_USER}> And the Lib Dems?", new_ts(), thread_ts=ts)))
    follow_up = web.wait_for(reply_to(ts), n=2)[1]
    assert "Liberal Democrats won 24 of the 57 seats" in texts(follow_up)  # the thread is the conversation


def test_a_redelivered_envelope_is_acked_and_answered_once(
    client: TestClient, web: FakeSlack, socket_slack: SocketSlack
) -> None:
    ts = new_ts()
    payload = event(f"<@{BOT_USER}> Who won Hartlepool in 2019?", ts)
    first, again = events_api(payload), events_api(payload, retry=1)  # a new envelope, the same event_id
    socket_slack.send(first)
    web.wait_for(reply_to(ts))
    wait_answered(client, payload["event_id"])
    socket_slack.send(again)
    assert socket_slack.wait_ack(again["envelope_id"]) == {"envelope_id": again["envelope_id"]}
    later = new_ts()  # answered after any second answer to the first would have been posted
    socket_slack.send(events_api(event(f"<@{BOT_USER}> Who won Blyth Valley in 2019?", later)))
    web.wait_for(reply_to(later))
    assert len(web.matching(reply_to(ts))) == 1


def test_an_event_that_comes_by_both_doors_is_answered_once(
    client: TestClient, web: FakeSlack, socket_slack: SocketSlack
) -> None:
    ts = new_ts()
    payload = event(f"<@{BOT_USER}> Who won Hartlepool in 2017?", ts)
    socket_slack.send(events_api(payload))
    web.wait_for(reply_to(ts))
    wait_answered(client, payload["event_id"])
    body = json.dumps(payload).encode()
    over_http = client.post("/slack/events", content=body, headers={"Content-Type": "application/json",
                                                                     **signed(body, retry="1")})
    assert over_http.json()["ignored"] == "already handled (retry 1)"
    assert len(web.matching(reply_to(ts))) == 1


def test_the_slash_command_is_acked_with_a_private_note_and_answered_at_response_url(
    client: TestClient, web: FakeSlack, socket_slack: SocketSlack
) -> None:
    hook = f"/hooks/T0PAPER/{next(SEQUENCE)}"
    envelope = slash_command("How many seats did Labour win in Hull in 2018?", web.url + hook)
    socket_slack.send(envelope)
    ack = socket_slack.wait_ack(envelope["envelope_id"])
    assert ack["payload"]["response_type"] == "ephemeral" and ack["payload"]["text"].startswith("Looking into")
    [post] = web.wait_for(lambda p: p.path == hook)
    assert post.body["response_type"] == "in_channel" and "Labour won 31 of the 57 seats" in texts(post)
    assert "<@U0EDITOR> asked" in texts(post)


def test_channels_off_the_allow_list_are_not_answered_but_direct_messages_are(
    client: TestClient, web: FakeSlack, socket_slack: SocketSlack
) -> None:
    elsewhere = new_ts()
    off_list = events_api(event(f"<@{BOT_USER}> Who won Hartlepool in 2019?", elsewhere, channel="C0SPORT"))
    socket_slack.send(off_list)
    assert socket_slack.wait_ack(off_list["envelope_id"]) == {"envelope_id": off_list["envelope_id"]}
    hook = f"/hooks/T0PAPER/{next(SEQUENCE)}"
    command = slash_command("Who won Hartlepool in 2019?", web.url + hook, channel="C0SPORT")
    socket_slack.send(command)
    assert socket_slack.wait_ack(command["envelope_id"])["payload"] == {
        "response_type": "ephemeral", "text": "hustings is not enabled in this channel: ask in one where it is, "
                                              "or in a direct message"}
    dm = f"D{next(SEQUENCE)}"  # no DM is listed, so DMs stay open
    socket_slack.send(events_api(event("Who won Hartlepool in 2019?", new_ts(), kind="message", channel=dm)))
    [answered] = web.wait_for(lambda p: p.body.get("channel") == dm)
    listed = new_ts()
    socket_slack.send(events_api(event(f"<@{BOT_USER}> Who won Hartlepool in 2019?", listed, channel="C0DESK")))
    web.wait_for(reply_to(listed))  # answered after the off-list ones would have been
    assert "Mike Hill" in texts(answered)
    assert not web.matching(reply_to(elsewhere)) and not web.matching(lambda p: p.path == hook)
    assert client.app.state.slack.events.get(off_list["payload"]["event_id"]) is None  # type: ignore[attr-defined]


def test_a_dropped_connection_is_reopened_and_questions_are_still_answered(
    client: TestClient, web: FakeSlack, socket_slack: SocketSlack
) -> None:
    opened, connections = len(web.matching(lambda p: p.path == OPENS)), len(socket_slack.connections)
    socket_slack.drop()
    socket_slack.wait_connections(connections + 1)
    assert len(web.matching(lambda p: p.path == OPENS)) == opened + 1  # a fresh address, as Slack asks
    ts = new_ts()
    envelope = events_api(event(f"<@{BOT_USER}> How many seats did Labour win in Hull in 2018?", ts))
    socket_slack.send(envelope)
    socket_slack.wait_ack(envelope["envelope_id"])
    assert "Labour won 31 of the 57 seats" in texts(web.wait_for(reply_to(ts))[0])


def test_slacks_disconnect_message_moves_the_client_to_a_new_connection(
    client: TestClient, web: FakeSlack, socket_slack: SocketSlack
) -> None:
    connections = len(socket_slack.connections)
    socket_slack.send({"type": "disconnect", "reason": "refresh_requested", "debug_info": {"host": "stand-in"}})
    socket_slack.wait_connections(connections + 1)
    ts = new_ts()
    socket_slack.send(events_api(event(f"<@{BOT_USER}> Who won Blyth Valley in 2019?", ts)))
    web.wait_for(reply_to(ts))


def test_hustings_slack_runs_the_bot_alone_and_stops_cleanly_on_sigterm(
    sample_dir: Path, tmp_path: Path, web: FakeSlack, socket_slack: SocketSlack
) -> None:
    data_dir = copy_sample(sample_dir, tmp_path / "data")
    env = {**os.environ, "HUSTINGS_DATA_DIR": str(data_dir), "HUSTINGS_MODEL_CACHE": str(MODEL_CACHE),
           "HUSTINGS_SLACK_BOT_TOKEN": TOKEN, "HUSTINGS_SLACK_APP_TOKEN": APP_TOKEN,
           "HUSTINGS_SLACK_API_BASE": f"{web.url}/api/"}
    env.pop("HUSTINGS_SLACK_SIGNING_SECRET", None)
    connections = len(socket_slack.connections)
    alone = subprocess.Popen([sys.executable, "-m", "api.cli", "slack"], cwd=REPO, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        socket_slack.wait_connections(connections + 1)
        ts = new_ts()
        socket_slack.send(events_api(event(f"<@{BOT_USER}> Who won Hartlepool in 2019?", ts)))
        assert "Mike Hill" in texts(web.wait_for(reply_to(ts))[0])
    finally:
        alone.send_signal(signal.SIGTERM)
        stderr = alone.communicate(timeout=60)[1].decode()
    assert alone.returncode == 0, stderr


def test_hustings_slack_with_a_token_slack_refuses_says_so_and_exits_2(
    sample_dir: Path, tmp_path: Path, web: FakeSlack
) -> None:
    refused = (200, {"Content-Type": "application/json"}, b'{"ok": false, "error": "invalid_auth"}')
    web.fail(OPENS, refused)
    env = {**os.environ, "HUSTINGS_DATA_DIR": str(copy_sample(sample_dir, tmp_path / "data")),
           "HUSTINGS_MODEL_CACHE": str(MODEL_CACHE), "HUSTINGS_SLACK_BOT_TOKEN": TOKEN,
           "HUSTINGS_SLACK_APP_TOKEN": "xapp-revoked", "HUSTINGS_SLACK_API_BASE": f"{web.url}/api/"}
    done = subprocess.run([sys.executable, "-m", "api.cli", "slack"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2 and "refused the app-level token (invalid_auth)" in done.stderr


def test_hustings_slack_without_an_app_token_says_what_to_set(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUSTINGS_SLACK")}
    done = subprocess.run([sys.executable, "-m", "api.cli", "slack", "--data-dir", str(tmp_path)], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "HUSTINGS_SLACK_APP_TOKEN" in done.stderr


def test_a_secret_is_not_needed_for_socket_mode_and_the_http_door_stays_shut(
    sample_dir: Path, tmp_path: Path, web: FakeSlack, socket_slack: SocketSlack
) -> None:
    connections = len(socket_slack.connections)
    data_dir = copy_sample(sample_dir, tmp_path / "data")
    with slack_client(data_dir, web, slack_signing_secret=None, slack_app_token=SecretStr(APP_TOKEN)) as bare:
        socket_slack.wait_connections(connections + 1)
        response = bare.post("/slack/events", content=b"{}", headers=signed(b"{}", secret=SECRET))
        assert response.status_code == 503 and "HUSTINGS_SLACK_SIGNING_SECRET" in response.json()["detail"]

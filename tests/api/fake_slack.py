"""A stand-in for Slack on loopback (its Web API and response_url, recording every post), and signed requests.

`apps.connections.open` answers with `socket_url` (set it to a Socket Mode stand-in, tests/api/test_slack_socket.py).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi.testclient import TestClient
from pydantic import SecretStr
from slack_sdk.signature import SignatureVerifier

from api.app import create_app
from api.settings import Settings
from tests.conftest import MODEL_CACHE

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-test-token"
BOT_USER = "UHUSTINGS"
FAST = (0.01, 0.02, 0.04)  # retry delays for the tests: the same four tries, without the waiting
DEADLINE = 60.0
SEQUENCE = count(1)


@dataclass(frozen=True)
class Post:
    """One request the stand-in received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class FakeSlack:
    """Slack's Web API (/api/...) and response_url (/hooks/...) on loopback; scripted failures per path."""

    def __init__(self) -> None:
        self.posts: list[Post] = []
        self.script: dict[str, list[tuple[int, dict[str, str], bytes]]] = {}
        self.lock = threading.Lock()
        self.holding = threading.Event()  # set: posts are taken in but never answered (nor recorded)
        self.socket_url: str | None = None  # what apps.connections.open hands out
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if fake.holding.is_set():
                    time.sleep(DEADLINE)  # the poster waits on, until its own timeout or its end
                    return
                with fake.lock:
                    fake.posts.append(Post(self.path, dict(self.headers), _body(raw)))
                    queued = fake.script.get(self.path)
                    status, headers, body = queued.pop(0) if queued else fake.success(self.path)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def success(self, path: str) -> tuple[int, dict[str, str], bytes]:
        if path == "/api/apps.connections.open":
            answer = {"ok": True, "url": self.socket_url} if self.socket_url else {"ok": False, "error": "no_socket"}
            return 200, {"Content-Type": "application/json"}, json.dumps(answer).encode()
        if path.startswith("/api/"):
            return 200, {"Content-Type": "application/json"}, b'{"ok": true, "ts": "1.000001"}'
        return 200, {"Content-Type": "text/plain"}, b"ok"

    def fail(self, path: str, *responses: tuple[int, dict[str, str], bytes]) -> None:
        """Answer the next posts to `path` with these responses, then succeed again."""
        with self.lock:
            self.script[path] = list(responses)

    def wait_for(self, matches: Callable[[Post], bool], n: int = 1) -> list[Post]:
        """The posts that match, once there are `n` of them (fails after a deadline)."""
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            with self.lock:
                found = [p for p in self.posts if matches(p)]
            if len(found) >= n:
                return found
            time.sleep(0.02)
        raise AssertionError(f"no {n} matching posts within {DEADLINE}s; got {self.posts}")

    def matching(self, matches: Callable[[Post], bool]) -> list[Post]:
        with self.lock:
            return [p for p in self.posts if matches(p)]


def _body(raw: bytes) -> dict[str, Any]:
    """A post's JSON, or its form fields (apps.connections.open is sent as a form)."""
    try:
        parsed = json.loads(raw or b"{}")
    except ValueError:
        return {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
    return parsed if isinstance(parsed, dict) else {"json": parsed}


def signed(body: bytes, stamp: int | None = None, secret: str = SECRET, retry: str | None = None) -> dict[str, str]:
    """Slack's signature headers for `body` (and its retry headers when this is a retry)."""
    when = str(stamp if stamp is not None else int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=when, body=body) or ""
    headers = {"X-Slack-Request-Timestamp": when, "X-Slack-Signature": signature}
    if retry:
        headers |= {"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"}
    return headers


def new_ts() -> str:
    return f"{int(time.time())}.{next(SEQUENCE):06d}"


def event(text: str, ts: str, kind: str = "app_mention", thread_ts: str | None = None, channel: str = "C0NEWS",
          event_id: str | None = None, **extra: Any) -> dict[str, Any]:
    """An Events API callback, as Slack sends it."""
    inner: dict[str, Any] = {"type": kind, "user": "U0REPORTER", "text": text, "ts": ts, "channel": channel, **extra}
    if kind == "message":
        inner["channel_type"] = "im"
    if thread_ts:
        inner["thread_ts"] = thread_ts
    return {"type": "event_callback", "team_id": "T0PAPER", "event_id": event_id or f"Ev{ts.replace('.', '')}",
            "event": inner, "authorizations": [{"user_id": BOT_USER, "is_bot": True}]}


def reply_to(ts: str) -> Callable[[Post], bool]:
    return lambda p: p.path == "/api/chat.postMessage" and p.body.get("thread_ts") == ts


def texts(post: Post) -> str:
    """Every text in a posted message's blocks."""
    found: list[str] = []
    for block in post.body["blocks"]:
        found += [block["text"]["text"]] if "text" in block else [e["text"] for e in block.get("elements", [])]
    return "\n".join(found)


def slack_settings(data_dir: Path, slack: FakeSlack, **changes: Any) -> Settings:
    """An app's settings with Slack configured against the stand-in."""
    return Settings(data_dir=data_dir, model_cache=MODEL_CACHE, **{
        "slack_signing_secret": SecretStr(SECRET), "slack_bot_token": SecretStr(TOKEN),
        "slack_api_base": f"{slack.url}/api/", **changes})


def running_slack() -> Iterator[FakeSlack]:
    """A stand-in started for a fixture, and stopped after it (the fixture chooses its own scope)."""
    fake = FakeSlack()
    yield fake
    fake.server.shutdown()


def slack_client(data_dir: Path, slack: FakeSlack, **changes: Any) -> TestClient:
    """The app over `data_dir`, with Slack configured against the stand-in."""
    return TestClient(create_app(slack_settings(data_dir, slack, **changes)))

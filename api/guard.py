"""What stands in front of every route: a limit on the body, and for the answering routes the optional API
key (with failed keys counted per client) and a per-client rate limit.

It is ASGI middleware rather than a FastAPI dependency because a dependency runs only once the body has
been read and parsed: the key must be checked, and an oversized body refused, before either happens.
"""

from __future__ import annotations

import hmac
import math
import threading
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem_response

GUARDED = ("/chat", "/search")  # the routes behind the API key and the rate limit
MAX_BODY = 64 * 1024  # bytes: a 2,000-character question is at most 12 KB of JSON, escaped
MAX_SLACK_BODY = 1024 * 1024  # Slack's events carry a message's blocks beside its text (up to 40,000 characters)
FAILED_KEYS_PER_MINUTE = 10  # wrong API keys a client may send a minute before every request of it is refused


class TooManyRequests(Exception):
    """A client asked faster than the rate limit allows."""

    def __init__(self, retry_after: float, what: str = "rate limit reached") -> None:
        self.seconds = max(1, math.ceil(retry_after))  # what Retry-After says, and the message with it
        super().__init__(f"{what}: try again in {self.seconds} s")


class RateLimiter:
    """A token bucket per client: `per_minute` requests a minute, in bursts of up to `per_minute`."""

    def __init__(self, per_minute: int, what: str = "rate limit reached") -> None:
        self.per_minute = per_minute
        self.what = what
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, when last refilled)
        self._lock = threading.Lock()

    def _tokens(self, client: str, now: float) -> float:
        tokens, then = self._buckets.get(client, (float(self.per_minute), now))
        return min(float(self.per_minute), tokens + (now - then) * self.per_minute / 60.0)

    def check(self, client: str) -> None:
        """Raise TooManyRequests if `client` has nothing left, without spending anything."""
        if self.per_minute <= 0:
            return
        with self._lock:
            tokens = self._tokens(client, time.monotonic())
        if tokens < 1.0:
            raise TooManyRequests((1.0 - tokens) * 60.0 / self.per_minute, self.what)

    def take(self, client: str) -> None:
        """Spend one request of `client`'s allowance, or raise TooManyRequests."""
        if self.per_minute <= 0:
            return
        now = time.monotonic()
        with self._lock:
            tokens = self._tokens(client, now)
            if tokens < 1.0:
                self._buckets[client] = (tokens, now)
                raise TooManyRequests((1.0 - tokens) * 60.0 / self.per_minute, self.what)
            self._buckets[client] = (tokens - 1.0, now)
            if len(self._buckets) > 10_000:  # forget clients whose buckets have long been full again
                stale = now - 60.0
                self._buckets = {k: v for k, v in self._buckets.items() if v[1] > stale}


def given_key(headers: dict[bytes, bytes]) -> str | None:
    """The key sent as X-API-Key or as `Authorization: Bearer <key>` (the scheme is required)."""
    if b"x-api-key" in headers:
        return headers[b"x-api-key"].decode("latin-1")
    scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class Gate:
    """ASGI middleware: the API key, failed keys and rate limit on GUARDED routes, then the body limit on all."""

    def __init__(self, app: ASGIApp, api_key: str | None, per_minute: int,
                 failed_keys_per_minute: int = FAILED_KEYS_PER_MINUTE) -> None:
        self.app = app
        self.api_key = api_key
        self.limiter = RateLimiter(per_minute)
        self.failed_keys = RateLimiter(failed_keys_per_minute, "too many wrong API keys from this client")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = scope.get("state", {}).get("request_id")
        refused = self._refusal(scope)
        if refused is not None:
            status, detail, headers = refused
            await problem_response(status, detail, request_id, headers)(scope, receive, send)
            return
        limit = MAX_SLACK_BODY if scope["path"].startswith("/slack/") else MAX_BODY
        body = await _read_body(scope, receive, limit)
        if body is None:
            detail = f"the request body is larger than {limit:,} bytes; a question is at most 2,000 characters"
            await problem_response(413, detail, request_id, {"Connection": "close"})(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    def _refusal(self, scope: Scope) -> tuple[int, str, dict[str, str]] | None:
        """Why a request to a guarded route is refused before its body is read, or None."""
        if scope["path"].rstrip("/") not in GUARDED:
            return None
        client = scope["client"][0] if scope.get("client") else "unknown"
        try:
            if self.api_key:
                self.failed_keys.check(client)  # a guesser is refused even the right key once locked out
                key = given_key(dict(scope["headers"]))
                if key is None or not hmac.compare_digest(key.encode(), self.api_key.encode()):
                    self.failed_keys.take(client)
                    said = "is wrong" if key is not None else "is missing"
                    detail = f"the API key {said}: send it as X-API-Key: <key> or Authorization: Bearer <key>"
                    return 401, detail, {"WWW-Authenticate": "Bearer"}
            self.limiter.take(client)
        except TooManyRequests as error:
            return 429, str(error), {"Retry-After": str(error.seconds)}
        return None


async def _read_body(scope: Scope, receive: Receive, limit: int) -> list[Message] | None:
    """The request's body messages, or None once it is past `limit` bytes (a stated length is trusted first)."""
    headers = dict(scope["headers"])
    stated = headers.get(b"content-length", b"")
    if stated.isdigit() and int(stated) > limit:
        return None
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages  # the client went away; the route will see it
        size += len(message.get("body", b""))
        if size > limit:
            return None
        if not message.get("more_body", False):
            return messages


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A receive that gives the body already read, then whatever comes next (a disconnect)."""
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed

"""What stands in front of the answering routes: the optional API key and a per-client rate limit."""

from __future__ import annotations

import hmac
import threading
import time

from fastapi import Request


class Unauthorised(Exception):
    """The API key is missing or wrong."""


class TooManyRequests(Exception):
    """A client asked faster than the rate limit allows."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limit reached: try again in {retry_after:.0f} s")
        self.retry_after = retry_after


class RateLimiter:
    """A token bucket per client: `per_minute` requests a minute, in bursts of up to `per_minute`."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, when last refilled)
        self._lock = threading.Lock()

    def take(self, client: str) -> None:
        """Spend one request of `client`'s allowance, or raise TooManyRequests."""
        if self.per_minute <= 0:
            return
        rate = self.per_minute / 60.0
        now = time.monotonic()
        with self._lock:
            tokens, then = self._buckets.get(client, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - then) * rate)
            if tokens < 1.0:
                self._buckets[client] = (tokens, now)
                raise TooManyRequests((1.0 - tokens) / rate)
            self._buckets[client] = (tokens - 1.0, now)
            if len(self._buckets) > 10_000:  # forget clients whose buckets have long been full again
                stale = now - 60.0
                self._buckets = {k: v for k, v in self._buckets.items() if v[1] > stale}


def guard(request: Request) -> None:
    """Check the API key (when one is set) and the client's rate limit; a dependency of answering routes."""
    expected = request.app.state.api_key
    if expected:
        given = request.headers.get("x-api-key") or request.headers.get("authorization", "").removeprefix("Bearer ")
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise Unauthorised("this server needs an API key: send it as X-API-Key or Authorization: Bearer")
    client = request.client.host if request.client else "unknown"
    request.app.state.limiter.take(client)

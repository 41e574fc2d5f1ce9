"""Conversations in Redis, so that every API replica continues every conversation; the same interface as
`SessionStore` (bot/sessions.py), whose rules about channels and ids hold here unchanged.

One key per conversation, `<prefix>session:<channel>:<id>`, holding the JSON turns. Its time to live is the
sessions' own, set again on every save, so Redis forgets an idle conversation by itself: there is nothing to
sweep. redis-py is an optional extra (`pip install 'hustings[redis]'`), imported only when a URL is given.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from bot.conversation import Conversation, Turn
from bot.sessions import NAMES_ITS_OWN, Channel, SessionsUnavailable, check_session_id, new_session_id

if TYPE_CHECKING:
    import redis

PREFIX = "hustings:"


class RedisUnavailable(RuntimeError):
    """A Redis URL was given, but redis-py is not installed or the server does not answer there."""


def connect_redis(url: str) -> redis.Redis:
    """A client for `url` (redis://host:port/db), checked with a PING so a wrong address fails at start-up.

    Raises:
        RedisUnavailable: redis-py is not installed, or nothing answers at `url`.
    """
    try:
        import redis
    except ImportError as error:
        raise RedisUnavailable(f"HUSTINGS_REDIS_URL is set ({_shown(url)}) but redis-py is not installed: "
                           "pip install 'hustings[redis]'") from error
    client = redis.Redis.from_url(url, decode_responses=True, socket_timeout=5, socket_connect_timeout=5,
                                  health_check_interval=30)
    try:
        client.ping()
    except redis.RedisError as error:
        client.close()
        raise RedisUnavailable(f"cannot reach Redis at {_shown(url)} (HUSTINGS_REDIS_URL): {error}") from error
    return client


def _shown(url: str) -> str:
    """The URL as it may be printed: any password in it replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = f"{parts.username}:" if parts.username else ":"
    return urlunsplit(parts._replace(netloc=f"{user}***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")))


class RedisSessionStore:
    """Conversations by channel and session id in Redis; safe to share between threads and processes."""

    kind = "redis"  # where conversations live, as /health says

    def __init__(self, client: redis.Redis, ttl_seconds: float, prefix: str = PREFIX) -> None:
        self.client = client
        self.ttl_seconds = ttl_seconds
        self.prefix = prefix

    @classmethod
    def open(cls, url: str, ttl_seconds: float = 24 * 3600, prefix: str = PREFIX) -> RedisSessionStore:
        """The session store at a Redis URL."""
        return cls(connect_redis(url), ttl_seconds, prefix)

    def load(self, session_id: str | None, channel: Channel = "http") -> Conversation:
        """The conversation so far, or a new one: for no id, an id idle past its time, or one never stored.

        Raises:
            BadSessionId: the id is not 1-128 letters, digits or _.:- characters.
        """
        if session_id is None:
            return Conversation(new_session_id())
        check_session_id(session_id)
        with self._reached():
            stored: Any = self.client.get(self._key(channel, session_id))
        if stored is None:
            return Conversation(session_id if NAMES_ITS_OWN[channel] else new_session_id())
        return Conversation(session_id, [Turn.from_json(t) for t in json.loads(stored)])

    def save(self, conversation: Conversation, channel: Channel = "http") -> None:
        """Write the conversation's turns (replacing what was stored under its id) and restart its time to live."""
        turns = json.dumps([t.to_json() for t in conversation.turns], ensure_ascii=False)
        # Milliseconds, at least one: Redis refuses an expiry of zero.
        with self._reached():
            self.client.set(self._key(channel, conversation.session_id), turns,
                            px=max(1, round(self.ttl_seconds * 1000)))

    def check(self) -> None:
        """Raise SessionsUnavailable unless Redis answers a PING (for /health)."""
        with self._reached():
            self.client.ping()

    def forget_expired(self) -> int:
        """Nothing to do: Redis drops a conversation when its time to live runs out. Returns 0."""
        return 0

    def count(self) -> int:
        """How many conversations are stored (a SCAN: for status pages, not for every request)."""
        with self._reached():
            return sum(1 for _ in self.client.scan_iter(match=f"{self.prefix}session:*", count=1000))

    def close(self) -> None:
        """Close the connections."""
        self.client.close()

    @contextmanager
    def _reached(self) -> Iterator[None]:
        """Redis's own errors (down, restarting, timed out) as SessionsUnavailable, naming where it was sought."""
        import redis

        try:
            yield
        except redis.RedisError as error:
            raise SessionsUnavailable(f"the conversations' {self.where} does not answer ({error}); "
                                      "try again shortly") from error

    @property
    def where(self) -> str:
        """The server, without any password the URL holds: "Redis at host:port/db"."""
        said = self.client.connection_pool.connection_kwargs
        return f"Redis at {said.get('host')}:{said.get('port')}/{said.get('db', 0)}"

    def _key(self, channel: Channel, session_id: str) -> str:
        # The channel is one of three words without a colon, so no id of one channel can spell another's key.
        return f"{self.prefix}session:{channel}:{session_id}"

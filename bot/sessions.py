"""Conversations kept on disk beside the store, so they survive a restart, and forgotten once idle too long.

Each conversation belongs to the channel it was started on (`http`, `slack`, `cli`), and an id only ever
reaches conversations of its own channel. Over HTTP the server names every conversation with an
unguessable id: a client continues one it was given, and an id it was not given (made up, someone else's
in another channel, or expired) starts a new conversation under a new id. Slack's ids are made from
signed events, and the command line's are chosen by the person at the keyboard, so those channels name
their own.

SQLite rather than the DuckDB store: answering holds DuckDB open read-only for as long as the server runs,
and sessions are small rows written on every turn by many threads at once.
"""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from bot.conversation import Conversation, Turn

SESSIONS_FILE = "sessions.sqlite3"
SESSION_ID = re.compile(r"[A-Za-z0-9_.:-]{1,128}")
Channel = Literal["http", "slack", "cli"]
NAMES_ITS_OWN: dict[Channel, bool] = {"http": False, "slack": True, "cli": True}
SWEEP_EVERY = 300.0  # seconds between deletions of expired conversations while the store is in use
SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    channel TEXT NOT NULL,          -- http, slack or cli: an id reaches only its own channel's conversations
    id TEXT NOT NULL,
    updated REAL NOT NULL,          -- unix time of the last turn
    turns TEXT NOT NULL,            -- JSON list of Turn.to_json()
    PRIMARY KEY (channel, id)
);
CREATE INDEX IF NOT EXISTS conversations_updated ON conversations (updated);
"""
# Stores written before conversations had channels: Slack's ids said so themselves, the rest came over HTTP.
MIGRATE = """
INSERT OR IGNORE INTO conversations (channel, id, updated, turns)
SELECT CASE WHEN id LIKE 'slack:%' THEN 'slack' ELSE 'http' END, id, updated, turns FROM sessions;
DROP TABLE sessions;
"""


class BadSessionId(ValueError):
    """A session id that is not 1-128 letters, digits or _.:-"""


def check_session_id(session_id: str) -> None:
    """Refuse an id that is not 1-128 letters, digits or _.:- characters (BadSessionId)."""
    if not SESSION_ID.fullmatch(session_id):
        raise BadSessionId(f"session_id must be 1-128 letters, digits or _.:- characters, got {session_id!r:.60}")

class SessionsUnavailable(RuntimeError):
    """The conversations' store does not answer just now (a shared Redis down); the message says where."""


def new_session_id() -> str:
    """An id nobody can guess: 144 random bits."""
    return secrets.token_urlsafe(18)


class SessionStore:
    """Conversations by channel and session id in `sessions.sqlite3`; safe to share between threads."""

    kind = "sqlite"  # where conversations live, as /health says

    def __init__(self, path: Path, ttl_seconds: float, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._connection.execute("PRAGMA journal_mode=WAL")
        # With WAL, NORMAL survives a crash of the server and skips an fsync per turn; only a power cut
        # can lose the last turns, which costs a reader no more than asking again.
        self._connection.execute("PRAGMA synchronous=NORMAL")
        self._connection.executescript(SCHEMA)
        old = self._connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sessions'")
        if old.fetchone():
            self._connection.executescript(f"BEGIN; {MIGRATE} COMMIT;")
        self._swept = 0.0
        self.forget_expired()

    @classmethod
    def open(cls, data_dir: Path, ttl_seconds: float = 24 * 3600) -> SessionStore:
        """The session store of a data directory."""
        return cls(Path(data_dir) / SESSIONS_FILE, ttl_seconds)

    def load(self, session_id: str | None, channel: Channel = "http") -> Conversation:
        """The conversation so far, or a new one: for no id, an id idle past its time, or one never stored.

        A new conversation keeps the id it was asked for only on a channel that names its own; over HTTP
        it gets a fresh id, which the reply carries back to the client.

        Raises:
            BadSessionId: the id is not 1-128 letters, digits or _.:- characters.
        """
        if session_id is None:
            return Conversation(new_session_id())
        check_session_id(session_id)
        with self._lock:
            row = self._connection.execute(
                "SELECT updated, turns FROM conversations WHERE channel = ? AND id = ?", (channel, session_id)
            ).fetchone()
        if row is None or self._clock() - row[0] > self.ttl_seconds:
            return Conversation(session_id if NAMES_ITS_OWN[channel] else new_session_id())
        return Conversation(session_id, [Turn.from_json(t) for t in json.loads(row[1])])

    def check(self) -> None:
        """Nothing to check: the file is this machine's own (the Redis store's check pings its server)."""

    def save(self, conversation: Conversation, channel: Channel = "http") -> None:
        """Write the conversation's turns (replacing what was stored under its id), and now and then forget
        conversations idle past their time."""
        turns = json.dumps([t.to_json() for t in conversation.turns], ensure_ascii=False)
        now = self._clock()
        with self._lock:
            self._connection.execute(
                "INSERT INTO conversations (channel, id, updated, turns) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (channel, id) DO UPDATE SET updated = excluded.updated, turns = excluded.turns",
                (channel, conversation.session_id, now, turns),
            )
        if now - self._swept >= min(SWEEP_EVERY, self.ttl_seconds):
            self.forget_expired()

    def forget_expired(self) -> int:
        """Delete conversations idle for longer than the time to live; returns how many."""
        with self._lock:
            self._swept = self._clock()
            cutoff = self._swept - self.ttl_seconds
            cursor = self._connection.execute("DELETE FROM conversations WHERE updated < ?", (cutoff,))
        return cursor.rowcount

    def count(self) -> int:
        """How many conversations are stored."""
        with self._lock:
            return int(self._connection.execute("SELECT count(*) FROM conversations").fetchone()[0])

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._connection.close()

"""Conversations kept on disk beside the store, so they survive a restart, and forgotten once idle too long.

SQLite rather than the DuckDB store: answering holds DuckDB read-only (so `hustings ingest` can run while
the bot serves), and sessions are small rows written on every turn by many threads at once.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
import uuid
from pathlib import Path

from bot.conversation import Conversation, Turn

SESSIONS_FILE = "sessions.sqlite3"
SESSION_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    updated REAL NOT NULL,          -- unix time of the last turn
    turns TEXT NOT NULL             -- JSON list of Turn.to_json()
);
CREATE INDEX IF NOT EXISTS sessions_updated ON sessions (updated);
"""


class BadSessionId(ValueError):
    """A session id that is not 1-128 letters, digits or _.:-"""


class SessionStore:
    """Conversations by session id in `sessions.sqlite3`; safe to share between threads."""

    def __init__(self, path: Path, ttl_seconds: float) -> None:
        self.path = path
        self.ttl_seconds = ttl_seconds
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._connection.execute("PRAGMA journal_mode=WAL")
        # With WAL, NORMAL survives a crash of the server and skips an fsync per turn; only a power cut
        # can lose the last turns, which costs a reader no more than asking again.
        self._connection.execute("PRAGMA synchronous=NORMAL")
        self._connection.executescript(SCHEMA)
        self.forget_expired()

    @classmethod
    def open(cls, data_dir: Path, ttl_seconds: float = 24 * 3600) -> SessionStore:
        """The session store of a data directory."""
        return cls(Path(data_dir) / SESSIONS_FILE, ttl_seconds)

    def load(self, session_id: str | None) -> Conversation:
        """The conversation so far; a new one for no id, an id never seen, or one idle past its time."""
        if session_id is None:
            return Conversation(uuid.uuid4().hex)
        if not SESSION_ID.match(session_id):
            raise BadSessionId(f"session_id must be 1-128 letters, digits or _.:- characters, got {session_id!r:.60}")
        with self._lock:
            row = self._connection.execute("SELECT updated, turns FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if row is None or time.time() - row[0] > self.ttl_seconds:
            return Conversation(session_id)
        return Conversation(session_id, [Turn.from_json(t) for t in json.loads(row[1])])

    def save(self, conversation: Conversation) -> None:
        """Write the conversation's turns (replacing what was stored under its id)."""
        turns = json.dumps([t.to_json() for t in conversation.turns], ensure_ascii=False)
        with self._lock:
            self._connection.execute(
                "INSERT INTO sessions (id, updated, turns) VALUES (?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET updated = excluded.updated, turns = excluded.turns",
                (conversation.session_id, time.time(), turns),
            )

    def forget_expired(self) -> int:
        """Delete conversations idle for longer than the time to live; returns how many."""
        with self._lock:
            cutoff = time.time() - self.ttl_seconds
            cursor = self._connection.execute("DELETE FROM sessions WHERE updated < ?", (cutoff,))
        return cursor.rowcount

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._connection.close()

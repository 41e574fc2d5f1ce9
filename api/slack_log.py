"""The record of what Slack sent: each event answered once, even across a restart, and how it ended.

SQLite beside the sessions (not the DuckDB store, which the bot holds read-only): a row is claimed when an
event arrives, before the acknowledgement, so a retry Slack sends after a slow or lost acknowledgement
finds it and is ignored; the row then says whether the answer reached Slack, or why it did not.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

EVENTS_FILE = "slack_events.sqlite3"
KEEP_DAYS = 7  # Slack retries within minutes; a week of rows is plenty to answer "what happened to my question?"
INTERRUPTED_AFTER = 3600.0  # a row still answering after an hour was cut off by a stop or a crash
Status = Literal["answering", "answered", "failed"]
SCHEMA = """
CREATE TABLE IF NOT EXISTS slack_events (
    id TEXT PRIMARY KEY,            -- the Events API event_id, or command:<trigger_id>
    kind TEXT NOT NULL,             -- app_mention, message.im or command
    session_id TEXT NOT NULL,
    received REAL NOT NULL,         -- unix time
    status TEXT NOT NULL,           -- answering, answered, failed
    attempts INTEGER NOT NULL DEFAULT 0,  -- posts tried (chat.postMessage or response_url)
    detail TEXT,                    -- why it failed
    updated REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS slack_events_received ON slack_events (received);
"""


@dataclass(frozen=True, slots=True)
class SlackEvent:
    """One recorded event and how answering it ended."""

    id: str
    kind: str
    session_id: str
    status: Status
    attempts: int
    detail: str | None


class SlackEventLog:
    """Slack events by id in `slack_events.sqlite3`; safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.executescript(SCHEMA)
        self._tidy()

    @classmethod
    def open(cls, data_dir: Path) -> SlackEventLog:
        """The event log of a data directory."""
        return cls(Path(data_dir) / EVENTS_FILE)

    def claim(self, event_id: str, kind: str, session_id: str) -> bool:
        """Record a new event as being answered; False when it was seen before (a retry or a duplicate)."""
        now = time.time()
        with self._lock:
            cursor = self._connection.execute(
                "INSERT INTO slack_events (id, kind, session_id, received, status, updated) "
                "VALUES (?, ?, ?, ?, 'answering', ?) ON CONFLICT (id) DO NOTHING",
                (event_id, kind, session_id, now, now),
            )
        return cursor.rowcount == 1

    def finish(self, event_id: str, status: Status, attempts: int, detail: str | None = None) -> None:
        """Say how answering an event ended."""
        with self._lock:
            self._connection.execute(
                "UPDATE slack_events SET status = ?, attempts = ?, detail = ?, updated = ? WHERE id = ?",
                (status, attempts, detail, time.time(), event_id),
            )

    def get(self, event_id: str) -> SlackEvent | None:
        """The record of one event, or None if it never arrived."""
        with self._lock:
            row = self._connection.execute(
                "SELECT id, kind, session_id, status, attempts, detail FROM slack_events WHERE id = ?", (event_id,)
            ).fetchone()
        return SlackEvent(*row) if row else None

    def failed(self, limit: int = 50) -> list[SlackEvent]:
        """The most recent events whose answer never reached Slack."""
        with self._lock:
            rows = self._connection.execute(
                "SELECT id, kind, session_id, status, attempts, detail FROM slack_events WHERE status = 'failed' "
                "ORDER BY updated DESC LIMIT ?", (limit,)
            ).fetchall()
        return [SlackEvent(*row) for row in rows]

    def _tidy(self) -> None:
        """Forget old rows; rows left answering long ago were cut off, so say so rather than leave them."""
        now = time.time()
        with self._lock:
            self._connection.execute("DELETE FROM slack_events WHERE received < ?", (now - KEEP_DAYS * 86400,))
            self._connection.execute(
                "UPDATE slack_events SET status = 'failed', detail = ?, updated = ? "
                "WHERE status = 'answering' AND updated < ?",
                ("interrupted: the server stopped while answering", now, now - INTERRUPTED_AFTER),
            )

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._connection.close()

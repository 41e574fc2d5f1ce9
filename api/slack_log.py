"""The durable record of what Slack sent: each question kept until its answer is posted, even across a crash.

SQLite beside the sessions (not the DuckDB store, which the bot holds read-only). A row is written with the
whole question when an event arrives, before the acknowledgement, so nothing acknowledged is lost: a
server stopped or killed at any moment finds on its next start the questions it had not answered (and
answers them) and the answers it had not posted (and posts them). A retry Slack sends finds the row and is
not answered a second time. The row then says whether the answer reached Slack, or why it did not.

Several servers may share a data directory. Each row names the server that took it, and each server holds
a lock file while it runs; the lock goes with the process, however it ends, so a starting server takes
over the rows only of servers whose locks are free, never those of one still answering them.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

EVENTS_FILE = "slack_events.sqlite3"
WORKERS_DIR = "slack-workers"  # <owner>.lock for each running server, locked while it runs
KEEP_DAYS = 7  # Slack retries within minutes; a week of rows is plenty to answer "what happened to my question?"
RECOVER_WITHIN = 3600.0  # seconds: a question older than this when the server comes back is not answered late
# queued: recorded, not yet answered; posting: answered, the reply not yet taken by Slack; then answered or failed.
Status = Literal["queued", "posting", "answered", "failed"]
PENDING = ("queued", "answering", "posting")  # "answering": rows written before the queue was durable
SCHEMA = """
CREATE TABLE IF NOT EXISTS slack_events (
    id TEXT PRIMARY KEY,            -- the Events API event_id, or command:<trigger_id>
    kind TEXT NOT NULL,             -- app_mention, message.im or command
    session_id TEXT NOT NULL,
    received REAL NOT NULL,         -- unix time
    status TEXT NOT NULL,           -- queued, posting, answered, failed
    attempts INTEGER NOT NULL DEFAULT 0,  -- posts tried (chat.postMessage or response_url)
    detail TEXT,                    -- why it failed
    updated REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS slack_events_received ON slack_events (received);
"""
# JSON of the Question, and of its rendered Reply once answered; the server that took it (see `owner`).
ADDED_COLUMNS = {"question": "TEXT", "reply": "TEXT", "owner": "TEXT"}


@dataclass(frozen=True, slots=True)
class Question:
    """A question from Slack and where its answer goes: a channel and thread, or a slash command's response_url."""

    event_id: str
    text: str
    session_id: str
    channel: str | None = None
    thread_ts: str | None = None
    response_url: str | None = None
    user: str | None = None  # who asked with the slash command, named above the answer


@dataclass(frozen=True, slots=True)
class Reply:
    """An answer rendered for Slack: the notification text and the blocks."""

    text: str
    blocks: list[dict[str, Any]]


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

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self._clock = clock
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.executescript(SCHEMA)
        present = {row[1] for row in self._connection.execute("PRAGMA table_info(slack_events)")}
        for column, kind in ADDED_COLUMNS.items():
            if column not in present:
                self._connection.execute(f"ALTER TABLE slack_events ADD COLUMN {column} {kind}")
        self._connection.execute("DELETE FROM slack_events WHERE received < ?", (clock() - KEEP_DAYS * 86400,))
        self.owner = uuid.uuid4().hex
        self._workers = path.parent / WORKERS_DIR
        self._workers.mkdir(exist_ok=True)
        held = _lock(self._workers / f"{self.owner}.lock")
        if held is None:  # pragma: no cover (a fresh name nobody else has made)
            raise RuntimeError(f"cannot lock {self._workers / self.owner}.lock")
        self._held = held

    @classmethod
    def open(cls, data_dir: Path) -> SlackEventLog:
        """The event log of a data directory."""
        return cls(Path(data_dir) / EVENTS_FILE)

    def claim(self, question: Question, kind: str) -> bool:
        """Record a new question as queued; False when its event was seen before (a retry or a duplicate)."""
        now = self._clock()
        with self._lock:
            cursor = self._connection.execute(
                "INSERT INTO slack_events (id, kind, session_id, received, status, updated, question, owner) "
                "VALUES (?, ?, ?, ?, 'queued', ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                (question.event_id, kind, question.session_id, now, now, json.dumps(asdict(question)), self.owner),
            )
        return cursor.rowcount == 1

    def answered(self, event_id: str, reply: Reply) -> None:
        """Keep the rendered answer until Slack has taken it, so a restart posts it without answering again."""
        with self._lock:
            self._connection.execute(
                "UPDATE slack_events SET status = 'posting', reply = ?, updated = ? WHERE id = ?",
                (json.dumps(asdict(reply), ensure_ascii=False), self._clock(), event_id),
            )

    def finish(self, event_id: str, status: Status, attempts: int, detail: str | None = None) -> None:
        """Say how answering an event ended."""
        with self._lock:
            self._connection.execute(
                "UPDATE slack_events SET status = ?, attempts = ?, detail = ?, updated = ? WHERE id = ?",
                (status, attempts, detail, self._clock(), event_id),
            )

    def get(self, event_id: str) -> SlackEvent | None:
        """The record of one event, or None if it never arrived."""
        with self._lock:
            row = self._connection.execute(
                "SELECT id, kind, session_id, status, attempts, detail FROM slack_events WHERE id = ?", (event_id,)
            ).fetchone()
        return SlackEvent(*row) if row else None

    def pending(self) -> list[tuple[Question, Reply | None]]:
        """What servers that stopped before finishing left to do, oldest first, taken over by this one: each
        question, and its reply if it was answered but not posted. Rows too old to answer now are recorded
        as failed instead."""
        now = self._clock()
        with self._lock:
            owners = {row[0] for row in self._connection.execute(
                f"SELECT DISTINCT owner FROM slack_events WHERE status IN {PENDING}")}
            gone = [owner for owner in owners if owner != self.owner and not self._running(owner)]
            taken: list[tuple[float, str, str | None]] = []
            for owner in gone:
                # One statement per owner: two servers starting at once cannot both take the same rows.
                taken += self._connection.execute(
                    "UPDATE slack_events SET owner = ?, updated = ?, status = CASE WHEN question IS NULL OR "
                    "received < ? THEN 'failed' ELSE status END, detail = CASE WHEN question IS NULL THEN "
                    "'interrupted: the server stopped while answering' WHEN received < ? THEN 'not answered: the "
                    f"server was down for more than {RECOVER_WITHIN / 3600:g} hour after it was asked' END "
                    f"WHERE owner IS ? AND status IN {PENDING} "
                    "RETURNING received, question, reply",
                    (self.owner, now, now - RECOVER_WITHIN, now - RECOVER_WITHIN, owner),
                ).fetchall()
                if owner is not None:
                    (self._workers / f"{owner}.lock").unlink(missing_ok=True)
        return [(Question(**json.loads(q)), Reply(**json.loads(r)) if r else None)
                for received, q, r in sorted(taken, key=lambda row: row[0])
                if q is not None and received >= now - RECOVER_WITHIN]

    def _running(self, owner: str | None) -> bool:
        """Whether the server that took rows as `owner` still runs (holds its lock)."""
        if owner is None:
            return False  # rows from before owners were recorded
        held = _lock(self._workers / f"{owner}.lock", create=False)
        if held is None:
            return (self._workers / f"{owner}.lock").exists()
        os.close(held)
        return False

    def failed(self, limit: int = 50) -> list[SlackEvent]:
        """The most recent events whose answer never reached Slack."""
        with self._lock:
            rows = self._connection.execute(
                "SELECT id, kind, session_id, status, attempts, detail FROM slack_events WHERE status = 'failed' "
                "ORDER BY updated DESC LIMIT ?", (limit,)
            ).fetchall()
        return [SlackEvent(*row) for row in rows]

    def close(self) -> None:
        """Close the file and give up the lock (the rows this server still holds go to the next to start)."""
        with self._lock:
            self._connection.close()
            (self._workers / f"{self.owner}.lock").unlink(missing_ok=True)
            os.close(self._held)


def _lock(path: Path, create: bool = True) -> int | None:
    """An open descriptor holding an exclusive lock on `path`, or None if another holds it or it is missing."""
    try:
        fd = os.open(path, os.O_RDWR | (os.O_CREAT if create else 0), 0o600)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd

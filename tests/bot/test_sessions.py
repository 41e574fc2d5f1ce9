"""The session store: conversations survive a reopen, stay in their channel, expire when idle, refuse odd ids."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from bot.conversation import Conversation, Turn
from bot.gazetteer import Place
from bot.sessions import SESSIONS_FILE, BadSessionId, SessionStore

HULL = Place("council", "E06000010", "Kingston upon Hull")


def a_turn(asked: str = "How many seats did Labour win in Hull in 2018?") -> Turn:
    return Turn(asked=asked, text=asked, route="sql", parties=("LAB",), places=(HULL,), years=(2018,),
                kind="local", shape={"measure": "seats_won", "yes_no": False}, listed=(HULL, HULL), follow="new")


def test_a_conversation_survives_reopening_the_store(tmp_path: Path) -> None:
    with_turn = Conversation("s1", [a_turn()])
    store = SessionStore.open(tmp_path)
    store.save(with_turn)
    store.close()
    reopened = SessionStore.open(tmp_path).load("s1")
    assert reopened.session_id == "s1" and reopened.turns == [a_turn()]


def test_no_id_starts_a_conversation_under_an_unguessable_id(tmp_path: Path) -> None:
    store = SessionStore.open(tmp_path)
    ids = {store.load(None).session_id for _ in range(100)}
    assert len(ids) == 100 and all(len(i) == 24 for i in ids)


def test_over_http_an_id_the_server_never_issued_gets_a_new_conversation_under_a_new_id(tmp_path: Path) -> None:
    store = SessionStore.open(tmp_path)
    fresh = store.load("made-up-by-the-client")
    assert fresh.turns == [] and fresh.session_id != "made-up-by-the-client"
    store.save(Conversation(fresh.session_id, [a_turn()]))
    assert store.load(fresh.session_id).turns == [a_turn()]  # an issued id continues


def test_a_conversation_is_reachable_only_from_its_own_channel(tmp_path: Path) -> None:
    store = SessionStore.open(tmp_path)
    thread = "slack:T1:C1:1700000000.000100"
    store.save(Conversation(thread, [a_turn()]), "slack")
    from_http = store.load(thread, "http")
    assert from_http.turns == [] and from_http.session_id != thread
    store.save(from_http, "http")  # what a client then says lands in its own conversation
    assert store.load(thread, "slack").turns == [a_turn()]
    assert store.load(thread, "cli").turns == [] and store.load(thread, "cli").session_id == thread


def test_slack_and_the_command_line_name_their_own_conversations(tmp_path: Path) -> None:
    store = SessionStore.open(tmp_path)
    assert store.load("slack:T1:C1:1712.0001", "slack").session_id == "slack:T1:C1:1712.0001"
    assert store.load("my-research", "cli").session_id == "my-research"


def test_an_idle_conversation_expires(tmp_path: Path) -> None:
    store = SessionStore.open(tmp_path, ttl_seconds=0.05)
    store.save(Conversation("old", [a_turn()]))
    time.sleep(0.1)
    assert store.load("old").turns == []
    assert store.forget_expired() == 1


def test_expired_conversations_are_deleted_while_the_store_stays_open(tmp_path: Path) -> None:
    now = [1_000_000.0]
    store = SessionStore(tmp_path / SESSIONS_FILE, ttl_seconds=3600, clock=lambda: now[0])
    for n in range(5):
        store.save(Conversation(f"idle-{n}", [a_turn()]))
    now[0] += 2 * 3600  # two hours on, without a restart
    store.save(Conversation("busy", [a_turn()]))
    assert store.count() == 1


def test_conversations_stored_before_channels_are_kept(tmp_path: Path) -> None:
    old = sqlite3.connect(tmp_path / SESSIONS_FILE)
    old.executescript("CREATE TABLE sessions (id TEXT PRIMARY KEY, updated REAL NOT NULL, turns TEXT NOT NULL);")
    turns = json.dumps([a_turn().to_json()])
    old.executemany("INSERT INTO sessions VALUES (?, ?, ?)",
                    [("slack:T1:C1:1.2", time.time(), turns), ("abc123", time.time(), turns)])
    old.commit()
    old.close()
    store = SessionStore.open(tmp_path)
    assert store.load("slack:T1:C1:1.2", "slack").turns == [a_turn()]
    assert store.load("abc123", "http").turns == [a_turn()]


def test_turns_are_capped_per_conversation() -> None:
    conversation = Conversation("long")
    for n in range(30):
        conversation.add(a_turn(f"question {n}"))
    assert len(conversation.turns) == 20 and conversation.last is not None and conversation.last.asked == "question 29"


@pytest.mark.parametrize("bad", ["", "a b", "x" * 129, "'; DROP TABLE sessions; --", "abc\n", "abc\r\n"])
def test_an_odd_session_id_is_refused(tmp_path: Path, bad: str) -> None:
    with pytest.raises(BadSessionId):
        SessionStore.open(tmp_path).load(bad)

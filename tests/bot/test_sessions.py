"""The session store: conversations survive a reopen, expire when idle, and refuse odd ids."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.conversation import Conversation, Turn
from bot.gazetteer import Place
from bot.sessions import BadSessionId, SessionStore

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


def test_no_id_or_an_unknown_id_starts_a_new_conversation(tmp_path: Path) -> None:
    store = SessionStore.open(tmp_path)
    fresh = store.load(None)
    assert fresh.turns == [] and len(fresh.session_id) == 32
    assert store.load("slack:T1:C1:1712.0001").turns == []


def test_an_idle_conversation_expires(tmp_path: Path) -> None:
    store = SessionStore.open(tmp_path, ttl_seconds=0.05)
    store.save(Conversation("old", [a_turn()]))
    time.sleep(0.1)
    assert store.load("old").turns == []
    assert store.forget_expired() == 1


def test_turns_are_capped_per_conversation() -> None:
    conversation = Conversation("long")
    for n in range(30):
        conversation.add(a_turn(f"question {n}"))
    assert len(conversation.turns) == 20 and conversation.last is not None and conversation.last.asked == "question 29"


@pytest.mark.parametrize("bad", ["", "a b", "x" * 129, "'; DROP TABLE sessions; --"])
def test_an_odd_session_id_is_refused(tmp_path: Path, bad: str) -> None:
    with pytest.raises(BadSessionId):
        SessionStore.open(tmp_path).load(bad)

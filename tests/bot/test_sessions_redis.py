"""The Redis session store: the same rules as the SQLite one, over a real redis-server."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.settings import Settings
from api.stores import describe_sessions
from bot.conversation import Conversation
from bot.sessions import BadSessionId
from bot.sessions_redis import RedisSessionStore, RedisUnavailable
from tests.bot.test_sessions import a_turn
from tests.redis_server import free_port, running_redis

pytestmark = pytest.mark.redis


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from running_redis(tmp_path_factory.mktemp("redis"))


@pytest.fixture
def store(redis_url: str) -> Iterator[RedisSessionStore]:
    opened = RedisSessionStore.open(redis_url)
    opened.client.flushdb()
    yield opened
    opened.close()


def test_a_conversation_saved_by_one_store_is_loaded_by_another(store: RedisSessionStore, redis_url: str) -> None:
    store.save(Conversation("s1", [a_turn()]))
    other = RedisSessionStore.open(redis_url)  # another replica's store
    reopened = other.load("s1")
    other.close()
    assert reopened.session_id == "s1" and reopened.turns == [a_turn()]
    assert store.count() == 1


def test_no_id_starts_a_conversation_under_an_unguessable_id(store: RedisSessionStore) -> None:
    ids = {store.load(None).session_id for _ in range(100)}
    assert len(ids) == 100 and all(len(i) == 24 for i in ids)


def test_over_http_an_id_the_server_never_issued_gets_a_new_conversation_under_a_new_id(
    store: RedisSessionStore,
) -> None:
    fresh = store.load("made-up-by-the-client")
    assert fresh.turns == [] and fresh.session_id != "made-up-by-the-client"
    store.save(Conversation(fresh.session_id, [a_turn()]))
    assert store.load(fresh.session_id).turns == [a_turn()]


def test_a_conversation_is_reachable_only_from_its_own_channel(store: RedisSessionStore) -> None:
    thread = "slack:T1:C1:1700000000.000100"
    store.save(Conversation(thread, [a_turn()]), "slack")
    from_http = store.load(thread, "http")
    assert from_http.turns == [] and from_http.session_id != thread
    store.save(from_http, "http")
    assert store.load(thread, "slack").turns == [a_turn()]
    assert store.load(thread, "cli").turns == [] and store.load(thread, "cli").session_id == thread


def test_an_idle_conversation_expires_by_itself(store: RedisSessionStore) -> None:
    store.ttl_seconds = 0.2
    store.save(Conversation("old", [a_turn()]), "cli")
    assert store.load("old", "cli").turns == [a_turn()]
    time.sleep(0.4)
    assert store.load("old", "cli").turns == [] and store.count() == 0


def test_each_turn_restarts_the_time_to_live(store: RedisSessionStore) -> None:
    store.ttl_seconds = 0.6
    for _ in range(4):  # 0.2 s apart: past the TTL in all, never past it between turns
        store.save(Conversation("busy", [a_turn()]), "cli")
        time.sleep(0.2)
    assert store.load("busy", "cli").turns == [a_turn()]


@pytest.mark.parametrize("bad", ["", "a b", "x" * 129, "'; DROP TABLE sessions; --", "abc\n", "abc\r\n", "*"])
def test_an_odd_session_id_is_refused(store: RedisSessionStore, bad: str) -> None:
    with pytest.raises(BadSessionId):
        store.load(bad)


def test_a_redis_url_nobody_answers_at_fails_at_once_naming_it() -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    with pytest.raises(RedisUnavailable, match=f"cannot reach Redis at {url}"):
        RedisSessionStore.open(url)


def test_a_password_in_the_url_is_never_shown() -> None:
    url = f"redis://:hunter2@127.0.0.1:{free_port()}/0"
    with pytest.raises(RedisUnavailable) as raised:
        RedisSessionStore.open(url)
    assert "hunter2" not in str(raised.value) and ":***@127.0.0.1" in str(raised.value)


def test_status_counts_the_conversations_where_they_are_kept(store: RedisSessionStore, redis_url: str,
                                                             tmp_path: Path) -> None:
    for n in range(3):
        store.save(Conversation(f"s{n}", [a_turn()]), "cli")
    assert describe_sessions(Settings(data_dir=tmp_path, redis_url=redis_url)) == \
        f"3 in Redis at 127.0.0.1:{redis_url.rsplit(':', 1)[1].split('/')[0]}/0"
    assert describe_sessions(Settings(data_dir=tmp_path)).startswith("none yet")
    assert not (tmp_path / "sessions.sqlite3").exists()  # status made nothing

"""The Slack event log in Redis: the SQLite log's rules, held across replicas, over a real redis-server."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from api.slack_log import Question, Reply
from api.slack_log_redis import RedisSlackEventLog
from bot.sessions_redis import connect_redis
from tests.redis_server import running_redis

pytestmark = pytest.mark.redis


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from running_redis(tmp_path_factory.mktemp("redis"))


@pytest.fixture
def logs(redis_url: str) -> Iterator[list[RedisSlackEventLog]]:
    """Two replicas' logs over one emptied Redis; closed afterwards."""
    opened = [RedisSlackEventLog.open(redis_url) for _ in range(2)]
    opened[0].client.flushdb()
    for log in opened:
        log._beat()  # the flush took their heartbeats too
    yield opened
    for log in opened:
        if not log._stop.is_set():
            log.close()


def question(event_id: str, text: str = "Who won Hartlepool in 2019?") -> Question:
    return Question(event_id, text, "slack:T:C:1", channel="C", thread_ts="1")


def test_an_event_is_claimed_once_across_replicas_even_when_both_claim_at_once(
    logs: list[RedisSlackEventLog],
) -> None:
    won: list[bool] = []
    start = threading.Barrier(2)

    def claim(log: RedisSlackEventLog) -> None:
        start.wait()
        won.extend(log.claim(question(f"Ev{n}"), "app_mention") for n in range(200))

    threads = [threading.Thread(target=claim, args=(log,)) for log in logs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(won) == 200  # each of the 200 events won by exactly one of the two
    assert logs[1].get("Ev7") is not None and logs[1].get("Ev7").status == "queued"  # type: ignore[union-attr]


def test_an_event_is_finished_as_recorded_and_failures_are_listed(logs: list[RedisSlackEventLog]) -> None:
    first, second = logs
    first.claim(question("Ev1"), "app_mention")
    first.claim(question("Ev2"), "message.im")
    first.answered("Ev1", Reply("Jill Mortimer won", []))
    assert second.get("Ev1").status == "posting"  # type: ignore[union-attr]
    first.finish("Ev1", "answered", 1)
    first.finish("Ev2", "failed", 4, "chat.postMessage: HTTP 500")
    done, failed = second.get("Ev1"), second.get("Ev2")
    assert done is not None and (done.status, done.attempts, done.detail) == ("answered", 1, None)
    assert failed is not None and (failed.kind, failed.status, failed.attempts) == ("message.im", "failed", 4)
    assert [e.id for e in second.failed()] == ["Ev2"]
    assert second.get("never-sent") is None


def test_only_the_questions_of_a_replica_that_is_gone_are_taken_over_once(logs: list[RedisSlackEventLog]) -> None:
    gone, running = logs
    gone.claim(question("Ev1"), "app_mention")
    gone.claim(question("Ev2", "And in 2017?"), "app_mention")
    gone.answered("Ev1", Reply("Jill Mortimer won", [{"type": "section"}]))
    running.claim(question("Ev3", "Who won Blyth Valley in 2019?"), "app_mention")
    assert running.pending() == []  # the first replica still beats: its questions are its own
    gone.close()  # its heartbeat goes: as a kill does, once the heartbeat's time to live runs out
    taken = running.pending()
    assert [(q.event_id, r.text if r else None) for q, r in taken] == [("Ev1", "Jill Mortimer won"), ("Ev2", None)]
    assert running.pending() == []  # taken once
    assert running.get("Ev3").status == "queued"  # type: ignore[union-attr]  # its own, not taken from itself


def test_a_killed_replicas_heartbeat_runs_out_by_itself(logs: list[RedisSlackEventLog]) -> None:
    killed, running = logs
    killed.claim(question("Ev1"), "app_mention")
    killed._stop.set()  # the heartbeat stops, the key is left to expire as a killed process leaves it
    killed._heart.join()
    killed.client.pexpire(killed._worker(), 300)
    assert running.pending() == []
    time.sleep(0.5)
    assert [q.event_id for q, _ in running.pending()] == ["Ev1"]


def test_a_question_too_old_to_answer_when_taken_over_is_recorded_as_failed(redis_url: str) -> None:
    now = [1_000_000.0]
    gone = RedisSlackEventLog(connect_redis(redis_url), clock=lambda: now[0])
    gone.client.flushdb()
    gone.claim(question("Ev1"), "app_mention")
    gone.close()
    now[0] += 2 * 3600
    starting = RedisSlackEventLog(connect_redis(redis_url), clock=lambda: now[0])
    assert starting.pending() == []
    record = starting.get("Ev1")
    assert record is not None and record.status == "failed" and "down for more than 1 hour" in (record.detail or "")
    assert [e.id for e in starting.failed()] == ["Ev1"]
    starting.close()

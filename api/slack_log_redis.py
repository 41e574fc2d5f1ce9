"""The Slack event log and durable queue in Redis, shared by every replica; the same interface and the same
rules as `SlackEventLog` (api/slack_log.py).

An event is a hash, `<prefix>slack:event:<id>`, kept for a week. Claiming it is one Lua script (exists? else
write), so of two replicas handed the same event, or Slack's retry of it, exactly one answers. Unfinished
events sit in a sorted set by arrival. Each replica keeps a heartbeat key alive while it runs, in place of
the SQLite log's lock file: when a replica is killed its key expires within `HEARTBEAT_TTL`, and another
replica then takes over its questions, in one script so that two replicas cannot both take the same one.
The scripts build the keys they touch from the prefix, which a single Redis (not a Redis Cluster) allows.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, cast

from api.slack_log import KEEP_DAYS, RECOVER_WITHIN, Question, Reply, SlackEvent, Status
from bot.sessions_redis import PREFIX, connect_redis

if TYPE_CHECKING:
    import redis

log = logging.getLogger("hustings.slack")
HEARTBEAT_TTL = 10.0  # seconds a replica's heartbeat outlives it: how soon another takes over its questions
KEEP = KEEP_DAYS * 86400
FIELDS = ("kind", "session_id", "status", "attempts", "detail")

CLAIM = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'kind', ARGV[2], 'session_id', ARGV[3], 'received', ARGV[4], 'status', 'queued',
           'attempts', 0, 'updated', ARGV[4], 'question', ARGV[5], 'owner', ARGV[6])
redis.call('EXPIRE', KEYS[1], ARGV[7])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
return 1
"""
ANSWERED = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'status', 'posting', 'reply', ARGV[1], 'updated', ARGV[2])
return 1
"""
# KEYS: event, pending, failed; ARGV: id, status, attempts, detail ('' for none), now.
FINISH = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'attempts', ARGV[3], 'updated', ARGV[5])
if ARGV[4] == '' then redis.call('HDEL', KEYS[1], 'detail') else redis.call('HSET', KEYS[1], 'detail', ARGV[4]) end
if ARGV[2] == 'queued' or ARGV[2] == 'posting' then return 1 end
redis.call('ZREM', KEYS[2], ARGV[1])
if ARGV[2] == 'failed' then redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1]) else redis.call('ZREM', KEYS[3], ARGV[1]) end
return 1
"""
# KEYS: pending, failed; ARGV: prefix, this owner, now, the oldest arrival still worth answering, why not.
# Returns [received, question, reply or ''] of each question taken over, oldest first.
TAKE_OVER = """
local taken = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local key = ARGV[1] .. 'slack:event:' .. id
  local row = redis.call('HMGET', key, 'owner', 'received', 'question', 'reply')
  if not row[2] then
    redis.call('ZREM', KEYS[1], id)
  elseif row[1] ~= ARGV[2] and redis.call('EXISTS', ARGV[1] .. 'slack:worker:' .. (row[1] or '')) == 0 then
    if tonumber(row[2]) < tonumber(ARGV[4]) then
      redis.call('HSET', key, 'owner', ARGV[2], 'status', 'failed', 'detail', ARGV[5], 'updated', ARGV[3])
      redis.call('ZREM', KEYS[1], id)
      redis.call('ZADD', KEYS[2], ARGV[3], id)
    else
      redis.call('HSET', key, 'owner', ARGV[2], 'updated', ARGV[3])
      table.insert(taken, {row[2], row[3], row[4] or ''})
    end
  end
end
return taken
"""


class RedisSlackEventLog:
    """Slack events by id in Redis; safe to share between threads, processes and machines."""

    def __init__(self, client: redis.Redis, prefix: str = PREFIX, clock: Callable[[], float] = time.time) -> None:
        self.client = client
        self.prefix = prefix
        self._clock = clock
        self._pending, self._failed = f"{prefix}slack:pending", f"{prefix}slack:failed"
        self._claim, self._answered = client.register_script(CLAIM), client.register_script(ANSWERED)
        self._finish, self._take_over = client.register_script(FINISH), client.register_script(TAKE_OVER)
        old = clock() - KEEP
        for index in (self._pending, self._failed):
            client.zremrangebyscore(index, "-inf", old)
        self.owner = uuid.uuid4().hex
        self._beat()
        self._stop = threading.Event()
        self._heart = threading.Thread(target=self._keep_beating, name="slack-heartbeat", daemon=True)
        self._heart.start()

    @classmethod
    def open(cls, url: str, prefix: str = PREFIX) -> RedisSlackEventLog:
        """The event log at a Redis URL."""
        return cls(connect_redis(url), prefix)

    def claim(self, question: Question, kind: str) -> bool:
        """Record a new question as queued; False when its event was seen before, by any replica."""
        now = self._clock()
        done = self._claim(keys=[self._event(question.event_id), self._pending],
                           args=[question.event_id, kind, question.session_id, repr(now),
                                 json.dumps(asdict(question)), self.owner, KEEP])
        return int(cast(Any, done)) == 1

    def answered(self, event_id: str, reply: Reply) -> None:
        """Keep the rendered answer until Slack has taken it, so a takeover posts it without answering again."""
        self._answered(keys=[self._event(event_id)],
                       args=[json.dumps(asdict(reply), ensure_ascii=False), repr(self._clock())])

    def finish(self, event_id: str, status: Status, attempts: int, detail: str | None = None) -> None:
        """Say how answering an event ended."""
        self._finish(keys=[self._event(event_id), self._pending, self._failed],
                     args=[event_id, status, attempts, detail or "", repr(self._clock())])

    def get(self, event_id: str) -> SlackEvent | None:
        """The record of one event, or None if it never arrived (or was forgotten after a week)."""
        kind, session_id, status, attempts, detail = cast(Any, self.client.hmget(self._event(event_id), FIELDS))
        if kind is None:
            return None
        return SlackEvent(event_id, kind, session_id, status, int(attempts), detail)

    def pending(self) -> list[tuple[Question, Reply | None]]:
        """What replicas that stopped before finishing left to do, oldest first, taken over by this one: each
        question, and its reply if it was answered but not posted. Questions too old to answer now are
        recorded as failed instead."""
        now = self._clock()
        why = f"not answered: the server was down for more than {RECOVER_WITHIN / 3600:g} hour after it was asked"
        taken = cast(Any, self._take_over(keys=[self._pending, self._failed],
                                          args=[self.prefix, self.owner, repr(now), repr(now - RECOVER_WITHIN), why]))
        return [(Question(**json.loads(q)), Reply(**json.loads(r)) if r else None) for _, q, r in taken]

    def failed(self, limit: int = 50) -> list[SlackEvent]:
        """The most recent events whose answer never reached Slack."""
        found = []
        for event_id in cast(Any, self.client.zrevrange(self._failed, 0, limit - 1)):
            event = self.get(event_id)
            if event is not None:
                found.append(event)
        return found

    def close(self) -> None:
        """Stop the heartbeat and remove it (the questions this replica still holds go to another), then close."""
        self._stop.set()
        self._heart.join(timeout=5)
        self.client.delete(self._worker())
        self.client.close()

    def _event(self, event_id: str) -> str:
        return f"{self.prefix}slack:event:{event_id}"

    def _worker(self) -> str:
        return f"{self.prefix}slack:worker:{self.owner}"

    def _beat(self) -> None:
        self.client.set(self._worker(), "1", px=round(HEARTBEAT_TTL * 1000))

    def _keep_beating(self) -> None:
        while not self._stop.wait(HEARTBEAT_TTL / 3):
            try:
                self._beat()
            except Exception as error:  # Redis away for a moment: the next beat may reach it in time
                log.warning("slack: heartbeat to Redis failed: %s", error)

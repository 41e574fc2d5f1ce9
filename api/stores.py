"""Where conversations and the Slack event log live: SQLite beside the store, or Redis when several replicas
share them (HUSTINGS_REDIS_URL). The one place that chooses."""

from __future__ import annotations

from api.settings import Settings
from api.slack_log import SlackEventLog
from api.slack_log_redis import RedisSlackEventLog
from bot.sessions import SessionStore
from bot.sessions_redis import RedisSessionStore

Sessions = SessionStore | RedisSessionStore
EventLog = SlackEventLog | RedisSlackEventLog


def open_sessions(settings: Settings) -> Sessions:
    """The conversations: in Redis when `redis_url` is set, else in the data directory's SQLite file."""
    ttl = settings.session_ttl_hours * 3600
    if settings.redis_url:
        return RedisSessionStore.open(settings.redis_url, ttl_seconds=ttl)
    return SessionStore.open(settings.data_dir, ttl_seconds=ttl)


def open_event_log(settings: Settings) -> EventLog:
    """The Slack event log and queue: in Redis when `redis_url` is set, else in the data directory."""
    if settings.redis_url:
        return RedisSlackEventLog.open(settings.redis_url)
    return SlackEventLog.open(settings.data_dir)

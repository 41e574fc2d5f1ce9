"""Where conversations and the Slack event log live: SQLite beside the store, or Redis when several replicas
share them (HUSTINGS_REDIS_URL). The one place that chooses."""

from __future__ import annotations

from api.settings import Settings
from api.slack_log import SlackEventLog
from api.slack_log_redis import RedisSlackEventLog
from bot.sessions import SESSIONS_FILE, SessionStore, SessionsUnavailable
from bot.sessions_redis import RedisSessionStore, RedisUnavailable

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


def describe_sessions(settings: Settings) -> str:
    """How many conversations are kept, and where, for `hustings status`; opens nothing it would create."""
    if settings.redis_url:
        try:
            sessions = RedisSessionStore.open(settings.redis_url)
        except RedisUnavailable as error:
            return f"UNREACHABLE: {error}"
        try:
            return f"{sessions.count()} in {sessions.where}"
        except SessionsUnavailable as error:
            return f"UNREACHABLE: {error}"
        finally:
            sessions.close()
    if not (settings.data_dir / SESSIONS_FILE).exists():
        return f"none yet (they will be kept in {settings.data_dir / SESSIONS_FILE})"
    sqlite = SessionStore.open(settings.data_dir, ttl_seconds=settings.session_ttl_hours * 3600)
    try:
        return f"{sqlite.count()} in {sqlite.path}"
    finally:
        sqlite.close()

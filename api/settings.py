"""Settings: the one place the environment is read (prefix HUSTINGS_, or a .env file)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything an operator can set; library code receives these values as plain arguments."""

    model_config = SettingsConfigDict(env_prefix="HUSTINGS_", env_file=".env", extra="ignore")

    data_dir: Path = Path("var")
    model_cache: Path = Path.home() / ".cache" / "hustings" / "models"
    embed_backend: Literal["onnx", "torch"] = "onnx"
    host: str = "127.0.0.1"
    port: int = 8000
    api_key: SecretStr | None = None  # when set, /chat and /search need it (X-API-Key or Authorization: Bearer)
    rate_limit_per_minute: int = 120  # requests per client per minute; 0 turns the limit off
    # Reverse proxies whose X-Forwarded-For names the client (comma-separated addresses or networks, "*" for any):
    # behind one, every request comes from the proxy, and the rate limit would be one bucket for everybody.
    forwarded_allow_ips: str = "127.0.0.1,::1"
    session_ttl_hours: float = 24.0  # a conversation idle this long starts afresh
    # Several replicas: conversations and the Slack event log and queue in this Redis (redis://host:6379/0), so
    # any replica continues any conversation; unset, they stay in SQLite files in data_dir. Needs hustings[redis].
    redis_url: str | None = None
    # How often the server looks for a store generation an ingest has published (corpus/generations.py).
    generation_poll_seconds: float = 0.5
    # An ingest runs at this lower CPU priority (nice), so that a server beside it keeps answering at its pace;
    # alone on a machine it runs as fast as ever (priority only matters when something else wants the CPU).
    ingest_nice: int = Field(default=10, ge=0, le=19)
    # The Slack app (POST /slack/events, /slack/commands); without the secret and token those routes answer 503.
    slack_signing_secret: SecretStr | None = None  # Basic Information > App Credentials > Signing Secret
    slack_bot_token: SecretStr | None = None  # OAuth & Permissions > Bot User OAuth Token (xoxb-...)
    slack_api_base: str = "https://slack.com/api/"  # the Web API: chat.postMessage and apps.connections.open
    # Socket Mode (no public address needed): Basic Information > App-Level Tokens, scope connections:write.
    slack_app_token: SecretStr | None = None  # xapp-...
    # Channel ids the bot answers in (comma-separated; empty: every channel). DMs stay open unless one is listed.
    slack_channels: str = ""

    @field_validator("slack_channels")
    @classmethod
    def _channel_ids(cls, value: str) -> str:
        ids = [part.strip() for part in value.split(",") if part.strip()]
        for given in ids:
            if not re.fullmatch(r"[CDG][A-Z0-9]{2,}", given):
                raise ValueError(f"HUSTINGS_SLACK_CHANNELS takes channel ids such as C0123ABCD (channel details > "
                                 f"About, at the bottom), not names: got {given!r}")
        return ",".join(ids)

    @field_validator("data_dir", "model_cache")
    @classmethod
    def _expand_home(cls, value: Path) -> Path:
        return Path(value).expanduser()

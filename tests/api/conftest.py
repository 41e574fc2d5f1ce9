"""Servers for the API tests: the app over the project's own sample, in process and on loopback."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from api.app import server_config
from api.settings import Settings
from tests.conftest import MODEL_CACHE


def sample_settings(data_dir: Path, **changes: object) -> Settings:
    """Settings for an app over `data_dir` with the test model cache and no rate limit unless asked."""
    return Settings(data_dir=data_dir, model_cache=MODEL_CACHE, **{"rate_limit_per_minute": 0, **changes})


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """The app as `hustings serve` runs it (`server_config`), on a free loopback port; yields its base URL."""
    server = uvicorn.Server(server_config(settings, "127.0.0.1", 0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(sample_dir: Path) -> Iterator[str]:
    """The app served on loopback for the length of the test session."""
    with serving(sample_settings(sample_dir)) as url:
        yield url

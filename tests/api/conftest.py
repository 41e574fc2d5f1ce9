"""Servers for the API tests: the app over the project's own sample, in process and on loopback."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from api.app import create_app
from api.settings import Settings
from tests.conftest import MODEL_CACHE


def sample_settings(data_dir: Path, **changes: object) -> Settings:
    """Settings for an app over `data_dir` with the test model cache and no rate limit unless asked."""
    return Settings(data_dir=data_dir, model_cache=MODEL_CACHE, **{"rate_limit_per_minute": 0, **changes})


@pytest.fixture(scope="session")
def live_server(sample_dir: Path) -> Iterator[str]:
    """`create_app()` served by uvicorn on a free loopback port, for the length of the test session."""
    config = uvicorn.Config(create_app(sample_settings(sample_dir)), host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)

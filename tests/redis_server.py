"""A real redis-server for the replica tests, on a free loopback port, started and stopped by a fixture."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def free_port() -> int:
    """A loopback port nobody listens on just now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _unavailable(why: str) -> None:
    # CI installs both (`make redis`, dev.lock), so there a missing one is a failure, not a skip.
    if os.environ.get("CI") == "true":
        pytest.fail(f"{why}: CI runs the Redis tests (make redis)")
    pytest.skip(why)


def running_redis(workdir: Path) -> Iterator[str]:
    """`redis-server` without persistence on a free port; yields its URL and stops it afterwards."""
    server = shutil.which("redis-server")
    if server is None:
        _unavailable("redis-server is not installed (make redis)")
    try:
        import redis
    except ImportError:
        _unavailable("redis-py is not installed (pip install 'hustings[redis]')")
    port = free_port()
    process = subprocess.Popen([str(server), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(workdir)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError as error:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                said = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"redis-server did not start: {said}") from error
            time.sleep(0.05)
    client.close()
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)

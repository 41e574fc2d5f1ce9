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
    # CI installs both (`make redis`, the locks), so there a missing one is a failure, not a skip.
    if os.environ.get("CI") == "true":
        pytest.fail(f"{why}: CI runs the Redis tests (make redis)")
    pytest.skip(why)


class RedisServer:
    """`redis-server` without persistence on one port, which may be stopped and started again."""

    def __init__(self, workdir: Path) -> None:
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            _unavailable("redis-server is not installed (make redis)")
        try:
            import redis  # noqa: F401
        except ImportError:
            _unavailable("redis-py is not installed (pip install 'hustings[redis]')")
        self.workdir = workdir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        """Start it and return once it answers a PING."""
        import redis

        self.process = subprocess.Popen(
            [str(self.binary), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError as error:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.process.kill()
                    said = self.process.stderr.read().decode() if self.process.stderr else ""
                    raise RuntimeError(f"redis-server did not start: {said}") from error
                time.sleep(0.05)
        client.close()
        return self

    def stop(self) -> None:
        """Stop it (what it held is gone: there is no persistence)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def running_redis(workdir: Path) -> Iterator[str]:
    """A started `RedisServer` for a fixture: yields its URL and stops it afterwards."""
    server = RedisServer(workdir).start()
    try:
        yield server.url
    finally:
        server.stop()

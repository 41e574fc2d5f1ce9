"""A peer framework's process in one configuration, spoken to in JSON lines (protocol.py), and waiting for
processes to go idle between timed queries."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from index.embed import _onnx_file, _package_model_path, _quantization_config, export_model
from tests.bench.peers.systems import PeerSetup

ROOT = Path(__file__).resolve().parents[3]
# Between two timed queries, wait until every system's process is idle: torch's and ONNX Runtime's worker
# threads spin on after their work (measured: a peer burns a whole core through a 50 ms pause, and the
# system timed next ran 2x slower), so a fixed pause would time each system on a half-busy machine.
QUIET_WINDOW_S = 0.02
QUIET_CPU_NS = 1_000_000  # under 1 ms of CPU across the processes in one window counts as idle
QUIET_LIMIT_S = 2.0
OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


@dataclass(frozen=True, slots=True)
class Models:
    """Where the peers find the model: the packaged fp32 one, and hustings' int8 ONNX export (folder, file)."""

    fp32: Path
    int8: Path
    onnx_file: str

    @classmethod
    def exported(cls, model_cache: Path) -> Models:
        """The packaged model and hustings' int8 export for this CPU (exported into `model_cache` if missing): the
        same int8 model for hustings and the int8 peers."""
        config = _quantization_config()
        return cls(_package_model_path(), export_model(model_cache, config), _onnx_file(config))

    def flags(self, embedder: str) -> list[str]:
        """A peer's model flags for its embedder ("torch" or "int8")."""
        if embedder == "torch":
            return ["--model", str(self.fp32)]
        return ["--model", str(self.int8), "--embedder", "int8", "--onnx-file", self.onnx_file]


class Peer:
    """A peer framework in its own virtualenv, in one configuration, spoken to in JSON lines."""

    def __init__(self, name: str, setup: PeerSetup, models: Models) -> None:
        python = ROOT / setup.venv / "bin" / "python"
        if not python.exists():
            raise SystemExit(f"{python} is missing: run `make peers`")
        self.name = name
        self.process = subprocess.Popen(
            [str(python), "-m", setup.module, "--store", setup.store, *models.flags(setup.embedder)], cwd=ROOT,
            text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env={**os.environ, **OFFLINE},
        )
        self._read()  # {"ready": true} once the model is loaded

    def _read(self) -> dict[str, Any]:
        stdout: IO[str] = self.process.stdout  # type: ignore[assignment]
        line = stdout.readline()
        if not line:
            raise SystemExit(f"{self.name} stopped (exit {self.process.wait()}); see its output above")
        reply: dict[str, Any] = json.loads(line)
        if "error" in reply:
            raise SystemExit(f"{self.name}: {reply['error']}\n{reply.get('trace', '')}")
        return reply

    def call(self, op: str, **fields: Any) -> dict[str, Any]:
        """Send one request and wait for its reply."""
        stdin: IO[str] = self.process.stdin  # type: ignore[assignment]
        stdin.write(json.dumps({"op": op, **fields}) + "\n")
        stdin.flush()
        return self._read()

    def peak_mib(self) -> float:
        """The peer process's peak resident memory (VmHWM)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def close(self) -> None:
        """Ask the peer to stop and wait for it."""
        stdin: IO[str] = self.process.stdin  # type: ignore[assignment]
        stdin.write(json.dumps({"op": "quit"}) + "\n")
        stdin.close()
        self.process.wait(timeout=60)


def cpu_ns(pids: list[int]) -> int:
    """CPU time the processes' threads have used so far (the calling thread, which polls, left out)."""
    total, me = 0, threading.get_native_id()
    for pid in pids:
        for task in Path(f"/proc/{pid}/task").iterdir():
            if int(task.name) == me:
                continue
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (OSError, ValueError):  # a thread that ended while we looked
                pass
    return total


def settle(pids: list[int]) -> None:
    """Wait until the processes stop using CPU (their worker threads' spinning is over), at most a while."""
    deadline = time.monotonic() + QUIET_LIMIT_S
    before = cpu_ns(pids)
    while time.monotonic() < deadline:
        time.sleep(QUIET_WINDOW_S)
        now = cpu_ns(pids)
        if now - before < QUIET_CPU_NS:
            return
        before = now

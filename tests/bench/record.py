"""What every benchmark writes beside its printout: `var/bench/<name>.json`, read by tests/bench/report.py.

The shape is `{"title": "...", "rows": [{...}, ...], "latency_ms": {"<route or label>": {"p50": x, "p95": y}}}`
(latency_ms optional; "notes", a list of sentences, and "measured" too), so a new benchmark joins the
report by writing one file.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BENCH_DIR = Path("var") / "bench"


def percentile(times: Sequence[float], share: float) -> float:
    """The nearest-rank percentile of `times` (share 0.95 is p95); 0 when empty."""
    ordered = sorted(times)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def p50_p95(times: Sequence[float]) -> dict[str, float]:
    """{"p50": median, "p95": nearest-rank p95}, rounded to 0.01 ms."""
    if not times:
        return {"p50": 0.0, "p95": 0.0}
    return {"p50": round(statistics.median(times), 2), "p95": round(percentile(times, 0.95), 2)}


def peak_memory_mib() -> float:
    """Peak resident memory of this process so far.

    Linux's VmHWM starts afresh at exec; getrusage's ru_maxrss would carry a forking parent's peak into a child.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text(encoding="utf-8").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def write_result(
    name: str,
    title: str,
    rows: list[dict[str, Any]],
    latency_ms: dict[str, dict[str, float]] | None = None,
    directory: Path = BENCH_DIR,
    notes: list[str] | None = None,
) -> Path:
    """Write one benchmark's figures as `<directory>/<name>.json`; returns the path."""
    directory.mkdir(parents=True, exist_ok=True)
    record: dict[str, Any] = {"title": title, "rows": rows, "measured": time.strftime("%Y-%m-%d %H:%M UTC",
                                                                                       time.gmtime())}
    if latency_ms:
        record["latency_ms"] = latency_ms
    if notes:
        record["notes"] = notes
    path = directory / f"{name}.json"
    scratch = path.with_suffix(".json.tmp")
    scratch.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    scratch.replace(path)
    print(f"wrote {path}")
    return path


def resident_mib() -> dict[str, float]:
    """This process's resident memory now, by kind: "anon" (its own heap and arrays: what it needs) and "file"
    (pages of memory-mapped files it has touched: page cache the kernel may take back), in MiB; {} off Linux."""
    status = Path("/proc/self/status")
    kinds = {"RssAnon:": "anon", "RssFile:": "file", "RssShmem:": "file"}
    found: dict[str, float] = {}
    if status.exists():
        for line in status.read_text(encoding="utf-8").splitlines():
            name = kinds.get(line.split(":")[0] + ":")
            if name:
                found[name] = found.get(name, 0.0) + int(line.split()[1]) / 1024
    return found


class MemoryPeaks:
    """Samples `resident_mib` on a thread while in use, keeping each kind's peak: VmHWM alone counts the pages
    of a memory-mapped 15 GiB vectors file the process streamed through as if it held them."""

    def __init__(self, every: float = 0.2) -> None:
        self.every = every
        self.peaks: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> MemoryPeaks:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()
        self._take()

    def _sample(self) -> None:
        while not self._stop.wait(self.every):
            self._take()

    def _take(self) -> None:
        for kind, mib in resident_mib().items():
            self.peaks[kind] = max(self.peaks.get(kind, 0.0), mib)

"""Store generations: every writing session works on its own copy of the store and publishes it whole.

DuckDB lets one process write a file and no other process read it meanwhile, so a server answering from the
store and an ingest writing it cannot share one file. Instead the store is a series of files,
`<data_dir>/stores/000001.duckdb`, `000002.duckdb`, ..., and `<data_dir>/CURRENT` names the complete one:

- a reader (`hustings serve`, `ask`, `status`) opens the generation CURRENT names, read-only, and keeps it
  for as long as it likes: nothing ever writes a published generation again;
- a writer (`hustings ingest`, `remove`) takes the ingest lock, copies the current generation to a scratch
  file, writes there, and on closing checkpoints it, renames it to the next number and replaces CURRENT
  (write aside, fsync, rename: atomic). The index generation a store generation records (index/generation.py)
  was written before it, so the two move together: a reader never sees one without the other;
- a writer killed at any moment leaves a scratch file and CURRENT as it was; the next writer removes the
  scratch. A reader killed leaves nothing behind. Old generations are removed once two newer ones exist (a
  reader holding one keeps reading it: the file is only unlinked).

Copying costs a few hundred milliseconds per ingest for a store of some hundred megabytes; a results file on
election night is re-imported every few minutes, so that is cheap against a server that never stops.
A store made before generations (`<data_dir>/hustings.duckdb`) is read where it is and copied into the
first generation by the next writer.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

CURRENT = "CURRENT"
STORES = "stores"
LEGACY_FILE = "hustings.duckdb"
LOCK_FILE = "ingest.lock"
SCRATCH_SUFFIX = ".writing"
GENERATION = re.compile(r"^(\d{6})\.duckdb$")
KEEP = 3  # the current generation and the two before it stay on disk


class WriterBusy(Exception):
    """Another process is writing this data directory."""


def current_store(data_dir: Path) -> Path | None:
    """The published store file of `data_dir` (None when there is none yet)."""
    data_dir = Path(data_dir)
    try:
        name = (data_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        legacy = data_dir / LEGACY_FILE
        return legacy if legacy.exists() else None
    return data_dir / STORES / name


def current_marker(data_dir: Path) -> str | None:
    """What CURRENT says now: a reader compares it to the one it opened to know a new generation is out."""
    path = current_store(data_dir)
    return path.name if path is not None else None


@dataclass
class Writer:
    """One writing session: the lock held, the scratch copy, and where it will be published."""

    data_dir: Path
    scratch: Path
    number: int
    _lock: IO[str] = field(repr=False)

    @classmethod
    def begin(cls, data_dir: Path) -> Writer:
        """Take the ingest lock, clear a dead writer's scratch, copy the current generation to a new scratch."""
        data_dir = Path(data_dir)
        (data_dir / STORES).mkdir(parents=True, exist_ok=True)
        lock = (data_dir / LOCK_FILE).open("a+", encoding="utf-8")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "another process"
            lock.close()
            raise WriterBusy(f"{data_dir} is being written by {holder} (an ingest?): wait for it to finish") from None
        lock.seek(0)
        lock.truncate()
        lock.write(f"process {os.getpid()}")
        lock.flush()
        for stale in (data_dir / STORES).glob(f"*{SCRATCH_SUFFIX}*"):
            stale.unlink(missing_ok=True)  # a writer killed before publishing: the lock says none runs now
        number = max(_numbers(data_dir), default=0) + 1
        scratch = data_dir / STORES / f"{number:06d}.duckdb{SCRATCH_SUFFIX}"
        source = current_store(data_dir)
        if source is not None:
            shutil.copyfile(source, scratch)
        return cls(data_dir, scratch, number, lock)

    def publish(self) -> Path:
        """Make the scratch the current generation (it must be closed and checkpointed); returns its path."""
        final = self.data_dir / STORES / f"{self.number:06d}.duckdb"
        _fsync(self.scratch)
        self.scratch.rename(final)
        pointer = self.data_dir / f"{CURRENT}{SCRATCH_SUFFIX}"
        pointer.write_text(final.name + "\n", encoding="utf-8")
        _fsync(pointer)
        pointer.replace(self.data_dir / CURRENT)
        _fsync_dir(self.data_dir)
        self._prune()
        self.release()
        return final

    def abandon(self) -> None:
        """Drop the scratch: CURRENT stays as it was."""
        self.scratch.unlink(missing_ok=True)
        Path(f"{self.scratch}.wal").unlink(missing_ok=True)
        self.release()

    def release(self) -> None:
        """Let the next writer in."""
        if not self._lock.closed:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()

    def _prune(self) -> None:
        for number in sorted(_numbers(self.data_dir))[:-KEEP]:
            (self.data_dir / STORES / f"{number:06d}.duckdb").unlink(missing_ok=True)
        legacy = self.data_dir / LEGACY_FILE
        if legacy.exists():
            legacy.unlink()  # copied into the first generation; a reader of it keeps its open file


def _numbers(data_dir: Path) -> list[int]:
    return [int(m.group(1)) for p in (data_dir / STORES).iterdir() if (m := GENERATION.match(p.name))]


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)

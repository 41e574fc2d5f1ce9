"""A `kill -9` in the middle of an ingest leaves the previous store fully usable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from index.build import ingest
from index.hybrid import PassageIndex
from tests.helpers import HashEmbedder, write_articles

REPO = Path(__file__).resolve().parents[2]

# Runs an ingest with a slow embedder and says which stage it is in, so the test can kill it there.
INGEST_SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from index.build import ingest
    from tests.helpers import HashEmbedder

    def progress(stage, done, total):
        print(stage, done, total, flush=True)

    ingest([Path(sys.argv[1])], Path(sys.argv[2]), HashEmbedder(delay=0.05), progress=progress)
    print("finished", flush=True)
    """
)


def _ingest_until(articles: Path, data_dir: Path, stage: str) -> None:
    """Start an ingest in a child process and kill -9 it as soon as it reports `stage`."""
    child = subprocess.Popen(
        [sys.executable, "-c", INGEST_SCRIPT, str(articles), str(data_dir)],
        cwd=REPO, stdout=subprocess.PIPE, text=True,
    )
    assert child.stdout is not None
    deadline = time.monotonic() + 60
    for line in child.stdout:
        if line.startswith(stage) or time.monotonic() > deadline:
            break
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL, "the ingest finished before it could be interrupted"


@pytest.mark.parametrize("stage", ["embedding", "indexing"])
def test_kill_during_ingest_leaves_the_previous_store_usable(tmp_path: Path, stage: str) -> None:
    embedder = HashEmbedder()
    write_articles(tmp_path / "in", 3, prefix="old")
    before = ingest([tmp_path / "in"], tmp_path / "data", embedder)
    write_articles(tmp_path / "in", 40, sentences=40, prefix="new")

    _ingest_until(tmp_path / "in", tmp_path / "data", stage)

    index = PassageIndex.open(tmp_path / "data", embedder)
    assert len(index) == before.passages_total
    assert {h.stored.passage.article_id for h in index.search("councillor casefile001", k=20)} <= {
        "old-000", "old-001", "old-002"}
    index.close()
    after = ingest([tmp_path / "in"], tmp_path / "data", embedder)
    assert (after.new, after.unchanged) == (40, 3)
    assert len(PassageIndex.open(tmp_path / "data", embedder)) == after.passages_total


def test_kills_at_many_moments_never_leave_a_broken_store(tmp_path: Path) -> None:
    embedder = HashEmbedder()
    write_articles(tmp_path / "in", 3, prefix="old")
    before = ingest([tmp_path / "in"], tmp_path / "data", embedder).passages_total
    write_articles(tmp_path / "in", 30, sentences=30, prefix="new")
    counts = set()
    for delay in (0.3, 0.6, 0.9, 1.2, 1.5, 1.8, 2.4, 3.0):
        child = subprocess.Popen([sys.executable, "-c", INGEST_SCRIPT, str(tmp_path / "in"), str(tmp_path / "data")],
                                 cwd=REPO, stdout=subprocess.DEVNULL)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        index = PassageIndex.open(tmp_path / "data", embedder)  # never raises: old or new, always whole
        counts.add(len(index))
        index.close()
    full = ingest([tmp_path / "in"], tmp_path / "data", embedder).passages_total
    assert counts <= {before, full}  # each kill left exactly the old store or exactly the new one

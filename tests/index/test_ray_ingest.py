"""Ingest on a real local Ray cluster writes the generation a local ingest writes, and survives killed processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from corpus.store import Store
from index.build import ingest
from index.embed import Embedder
from index.generation import load_vectors
from index.hybrid import PassageIndex
from tests.bench.ingest import bbc_paths
from tests.conftest import MODEL_CACHE

pytestmark = [pytest.mark.ray, pytest.mark.model, pytest.mark.shared]
REPO = Path(__file__).resolve().parents[2]
HUSTINGS = Path(sys.executable).with_name("hustings")
# Measured over the seeds and the BBC politics folder (2,600 passages): the vectors are bit-identical on one
# CPU, since every batch the cluster encodes is the one a local ingest encodes. The bound leaves room for
# workers on another CPU model of the same quantisation target.
MAX_ABS_DIFFERENCE = 1e-6
EMBED_WORKER = "EmbedBatches"


@pytest.fixture(scope="module")
def ray_address() -> Iterator[str]:
    """A local two-CPU Ray cluster started in this process; yields its address for other drivers."""
    if os.environ.get("CI") == "true":
        try:
            import ray
        except ImportError:
            pytest.fail("ray is not installed: CI runs the Ray tests (requirements/dev.lock)")
    else:
        ray = pytest.importorskip("ray", reason="ray is not installed (pip install 'hustings[ray]')")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray.get_runtime_context().gcs_address
    ray.shutdown()


@dataclass(frozen=True, slots=True)
class Generation:
    """What a data directory's current generation holds, for comparing two ingests."""

    checksum: str
    keys: list[int]
    passages: list[tuple[str, int, int, int, str]]
    vectors: np.ndarray


def read_generation(data_dir: Path, embedder: Embedder) -> Generation:
    """The current generation's checksum, passage keys, passages and vectors."""
    with Store.open(data_dir, read_only=True) as store:
        state = store.index_state()
        _, _, keys, vectors = load_vectors(data_dir, store, embedder.name)
        passages = [(p.article_id, p.ordinal, p.start, p.end, p.text) for p in store.passages_in_key_order()]
    assert state is not None
    return Generation(state.checksum, keys.tolist(), passages, np.asarray(vectors))


def assert_same_generation(ray_made: Generation, local: Generation) -> None:
    assert ray_made.keys == local.keys
    assert ray_made.passages == local.passages
    assert ray_made.checksum == local.checksum
    assert np.abs(ray_made.vectors - local.vectors).max() <= MAX_ABS_DIFFERENCE


def worker_pids(name: str) -> list[int]:
    """Ray worker processes of this test's cluster whose title names `name` (Ray titles them `ray::<class>`)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
        except OSError:
            continue
        if title.startswith("ray::") and name in title and _descends_from_this_process(int(entry.name)):
            found.append(int(entry.name))
    return found


def _descends_from_this_process(pid: int) -> bool:
    while pid > 1:
        if pid == os.getpid():
            return True
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return False
        pid = int(next(line.split()[1] for line in status.splitlines() if line.startswith("PPid:")))
    return False


@pytest.fixture(scope="module")
def politics(shared: Path) -> Path:
    """The BBC politics folder, read through its parent's manifest (duplicates marked there)."""
    return shared / "data" / "bbc-news-2004-2005" / "politics"


def test_ray_ingest_writes_the_generation_a_local_ingest_writes(
    ray_address: str, seeds: Path, politics: Path, real_embedder: Embedder, tmp_path: Path
) -> None:
    from index.ray_ingest import ingest_on_ray

    local_report = ingest([seeds, politics], tmp_path / "local", real_embedder)
    report = ingest_on_ray([seeds, politics], tmp_path / "ray", real_embedder, MODEL_CACHE)

    assert (report.new, report.failed, report.duplicates) == (local_report.new, 0, local_report.duplicates)
    assert [str(p) for p in report.problems] == [str(p) for p in local_report.problems]  # the manifest's copies
    assert report.passages_written == report.passages_total == local_report.passages_total > 2000
    assert report.passages_embedded == local_report.passages_embedded  # each distinct text once
    ray_made = read_generation(tmp_path / "ray", real_embedder)
    local = read_generation(tmp_path / "local", real_embedder)
    assert_same_generation(ray_made, local)
    assert (ray_made.vectors * local.vectors).sum(axis=1).min() > 0.999999

    again = ingest_on_ray([seeds, politics], tmp_path / "ray", real_embedder, MODEL_CACHE)
    assert (again.new, again.changed, again.unchanged) == (0, 0, report.new)
    assert again.passages_embedded == again.passages_written == 0
    assert read_generation(tmp_path / "ray", real_embedder).checksum == local.checksum


def test_only_new_and_changed_articles_go_to_the_cluster(
    ray_address: str, seeds: Path, shared: Path, real_embedder: Embedder, tmp_path: Path
) -> None:
    from index.ray_ingest import ingest_on_ray

    first = [p for p in bbc_paths(shared) if p.parent.name == "politics"][:10]
    ingest_on_ray([seeds], tmp_path / "data", real_embedder, MODEL_CACHE)
    sent: list[tuple[str, int, int]] = []
    report = ingest_on_ray([seeds, *first], tmp_path / "data", real_embedder, MODEL_CACHE,
                           progress=lambda stage, done, total: sent.append((stage, done, total)))

    assert (report.new, report.unchanged) == (10, 3)
    embedded = [total for stage, _, total in sent if stage == "embedding"]
    assert embedded and set(embedded) == {report.passages_embedded}
    assert report.passages_embedded == report.passages_written  # the seeds' passages were not chunked again


def test_a_worker_killed_mid_ingest_is_retried_and_the_result_is_the_same(
    ray_address: str, seeds: Path, shared: Path, real_embedder: Embedder, tmp_path: Path
) -> None:
    from index.ray_ingest import ingest_on_ray

    paths = [seeds, *[p for p in bbc_paths(shared) if p.parent.name == "politics"][:60]]
    killed: list[int] = []

    def kill_embedding_workers(stage: str, done: int, total: int) -> None:
        # At the first batches back, every embedding worker is killed: those busy lose the batches they hold.
        if stage == "embedding" and done < total and not killed:
            killed.extend(worker_pids(EMBED_WORKER))
            for pid in killed:
                os.kill(pid, signal.SIGKILL)

    report = ingest_on_ray(paths, tmp_path / "ray", real_embedder, MODEL_CACHE, progress=kill_embedding_workers)
    local = ingest(paths, tmp_path / "local", real_embedder)

    assert killed, "no embedding worker was found to kill"
    assert report.passages_embedded == local.passages_embedded == report.passages_total
    assert_same_generation(read_generation(tmp_path / "ray", real_embedder),
                           read_generation(tmp_path / "local", real_embedder))


def test_a_driver_killed_mid_ingest_leaves_the_previous_generation_in_use(
    ray_address: str, seeds: Path, politics: Path, real_embedder: Embedder, tmp_path: Path
) -> None:
    before = ingest([seeds], tmp_path / "data", real_embedder)
    env = {**os.environ, "HUSTINGS_MODEL_CACHE": str(MODEL_CACHE), "HUSTINGS_INGEST_NICE": "0"}
    already = set(worker_pids(EMBED_WORKER))
    command = [str(HUSTINGS), "ingest", str(seeds), str(politics), "--ray", ray_address, "--data-dir"]
    driver = subprocess.Popen([*command, str(tmp_path / "data")], cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while driver.poll() is None and not set(worker_pids(EMBED_WORKER)) - already and time.monotonic() < deadline:
        time.sleep(0.1)
    driver.send_signal(signal.SIGKILL)  # the driver is embedding on the cluster: its own workers are up
    driver.wait()
    assert driver.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"

    status = subprocess.run([str(HUSTINGS), "status", "--data-dir", str(tmp_path / "data")], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=120)
    assert status.returncode == 0, status.stdout + status.stderr
    assert f"passages: {before.passages_total}" in status.stdout
    assert "articles: 3" in status.stdout
    index = PassageIndex.open(tmp_path / "data", real_embedder)
    assert len(index) == before.passages_total
    index.close()


def test_ingest_command_with_ray_and_no_address_starts_a_local_cluster(seeds: Path, tmp_path: Path) -> None:
    pytest.importorskip("ray", reason="ray is not installed (pip install 'hustings[ray]')")
    env = {**os.environ, "HUSTINGS_MODEL_CACHE": str(MODEL_CACHE), "HUSTINGS_INGEST_NICE": "0"}
    done = subprocess.run([str(HUSTINGS), "ingest", "--ray", str(seeds), "--data-dir", str(tmp_path / "data")],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "articles: 3 new" in done.stdout
    assert "Traceback" not in done.stderr

"""Live loading over real HTTP: `hustings ingest` runs while the server answers; the server moves to what the
ingest wrote without a restart, each request answered wholly from one store generation."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from api.chat import GENERATION_HEADER
from corpus.generations import CURRENT, STORES
from index.generation import INDEX_DIR
from tests.api.conftest import sample_settings, serving
from tests.conftest import MODEL_CACHE

pytestmark = pytest.mark.model

HUSTINGS = Path(sys.executable).with_name("hustings")
RESULTS = """record,election,area_code,area_name,party,party_name,seats,control,dataset
control,local-2026-05-07,E06000901,Portown,,,40,LAB,
seats_held,local-2026-05-07,E06000901,Portown,LAB,Labour,25,,
seats_held,local-2026-05-07,E06000901,Portown,CON,Conservative,15,,
"""
SIDECAR = "title: Borough elections, 7 May 2026\npublisher: Portown Borough Council\n"
ARTICLE = ("Portown count ran past dawn\n\nThe Portown count ran past dawn because the harbour ward was recounted "
           "three times, the returning officer said. Volunteers from the lifeboat station kept the tellers in tea.\n")
QUESTION = "Who controls Portown?"


def copy_of(sample_dir: Path, into: Path) -> Path:
    """The sample's store and index generations, to be changed by this test alone."""
    into.mkdir()
    shutil.copy2(sample_dir / CURRENT, into / CURRENT)
    shutil.copytree(sample_dir / STORES, into / STORES)
    shutil.copytree(sample_dir / INDEX_DIR, into / INDEX_DIR)
    return into


def test_an_ingest_while_serving_is_answered_from_without_a_restart_and_no_request_mixes_generations(
        sample_dir: Path, tmp_path: Path) -> None:
    data_dir = copy_of(sample_dir, tmp_path / "data")
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "portown-count.txt").write_text(ARTICLE, encoding="utf-8")
    results = tmp_path / "portown-2026.csv"
    results.write_text(RESULTS, encoding="utf-8")
    (tmp_path / "portown-2026.source.yaml").write_text(SIDECAR, encoding="utf-8")
    seen: list[tuple[int, str, str]] = []  # status, generation, answer
    stop = threading.Event()
    with serving(sample_settings(data_dir, generation_poll_seconds=0.2)) as base:
        first = httpx.post(f"{base}/chat", json={"message": QUESTION}, timeout=60)
        before = first.headers[GENERATION_HEADER]
        assert first.status_code == 200 and "Labour controlled Portown" not in first.json()["answer"]

        def ask_all_along() -> None:
            with httpx.Client(base_url=base, timeout=60) as client:
                while not stop.is_set():
                    reply = client.post("/chat", json={"message": QUESTION})
                    seen.append((reply.status_code, reply.headers.get(GENERATION_HEADER, ""),
                                 reply.json().get("answer", "")))

        asker = threading.Thread(target=ask_all_along)
        asker.start()
        env = {**os.environ, "HUSTINGS_DATA_DIR": str(data_dir), "HUSTINGS_MODEL_CACHE": str(MODEL_CACHE)}
        ingest = subprocess.run([str(HUSTINGS), "ingest", str(tmp_path / "new"), "--results", str(results)],
                                capture_output=True, text=True, env=env, timeout=300)
        finished = time.monotonic()
        assert ingest.returncode == 0, ingest.stderr
        newest = (data_dir / CURRENT).read_text().strip()
        while time.monotonic() - finished < 30 and (not seen or seen[-1][1] != newest):
            time.sleep(0.05)
        stop.set()
        asker.join()
        answer = httpx.post(f"{base}/chat", json={"message": QUESTION}, timeout=60).json()
        found = httpx.get(f"{base}/search", params={"q": "Why was the Portown count so late?", "k": 1},
                          timeout=60).json()
        health = httpx.get(f"{base}/health", timeout=60).json()
    assert seen and all(status == 200 for status, _, _ in seen)
    assert seen[-1][1] == newest != before and health["generation"] == newest
    assert "Labour controlled Portown with 25 of the 40 seats" in answer["answer"]
    assert "Portown Borough Council" in answer["answer"]
    assert "recounted three times" in found["hits"][0]["text"]
    # Whole generations: the answer changes exactly where the generation that answered does.
    knows = {generation: "Labour controlled Portown" in text for _, generation, text in seen}
    assert all(knows[generation] == ("Labour controlled Portown" in text) for _, generation, text in seen)
    assert knows[before] is False and knows[newest] is True


def test_a_server_killed_mid_ingest_leaves_the_ingest_to_finish_and_a_new_server_answers_from_it(
        sample_dir: Path, tmp_path: Path) -> None:
    data_dir = copy_of(sample_dir, tmp_path / "data")
    (tmp_path / "new").mkdir()
    for n in range(30):  # enough articles that the server is killed while they are embedded
        (tmp_path / "new" / f"portown-{n:02d}.txt").write_text(ARTICLE.replace("three", f"{n + 3}"), encoding="utf-8")
    env = {**os.environ, "HUSTINGS_DATA_DIR": str(data_dir), "HUSTINGS_MODEL_CACHE": str(MODEL_CACHE),
           "HUSTINGS_RATE_LIMIT_PER_MINUTE": "0"}
    server = subprocess.Popen([str(HUSTINGS), "serve", "--port", "0"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    ingest = subprocess.Popen([str(HUSTINGS), "ingest", str(tmp_path / "new")], env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.0)
    server.kill()  # kill -9
    server.wait()
    out, err = ingest.communicate(timeout=300)
    assert ingest.returncode == 0, err
    assert "30 new" in out
    with serving(sample_settings(data_dir)) as base:
        found = httpx.get(f"{base}/search", params={"q": "Portown count recounted", "k": 3}, timeout=60).json()
    assert any("Portown count" in hit["text"] for hit in found["hits"])

"""The `hustings` command as a user runs it: a real process, the real model, a store in tmp_path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HUSTINGS = Path(sys.executable).with_name("hustings")


def hustings(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HUSTINGS_DATA_DIR": str(data_dir)}
    return subprocess.run([str(HUSTINGS), *args], capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def seeded(seeds: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    data_dir = tmp_path_factory.mktemp("cli")
    return data_dir, hustings("ingest", str(seeds), data_dir=data_dir)


def test_ingest_prints_a_summary(seeded: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    _, result = seeded
    assert result.returncode == 0, result.stderr
    assert "3 new, 0 changed, 0 unchanged" in result.stdout
    assert "passages:" in result.stdout and "in the index" in result.stdout


def test_reingest_reports_everything_unchanged(seeds: Path, seeded: tuple[Path, subprocess.CompletedProcess]) -> None:
    data_dir, _ = seeded
    result = hustings("ingest", str(seeds), data_dir=data_dir)
    assert "0 new, 0 changed, 3 unchanged" in result.stdout and "0 embedded" in result.stdout


def test_status_reports_counts_and_a_healthy_index(seeded: tuple[Path, subprocess.CompletedProcess]) -> None:
    data_dir, _ = seeded
    result = hustings("status", data_dir=data_dir)
    assert result.returncode == 0
    assert "articles: 3" in result.stdout and "index: up to date" in result.stdout


def test_search_prints_passages_with_scores_and_article_ids(seeded: tuple[Path, subprocess.CompletedProcess]) -> None:
    data_dir, _ = seeded
    result = hustings("search", "Why won't Dorothy Stewart vote Labour?", "-k", "2", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    first = result.stdout.split("\n2. ")[0]
    assert "000_e0cb5800c4680bae#" in first and "The bins are a problem" in first and "score" in first


def test_search_json_gives_offsets_and_text(seeded: tuple[Path, subprocess.CompletedProcess]) -> None:
    data_dir, _ = seeded
    result = hustings("search", "Hull City Council", "--json", "-k", "3", data_dir=data_dir)
    payload = json.loads(result.stdout)
    assert len(payload["hits"]) == 3
    assert {"passage_id", "article_id", "start", "end", "text", "score"} <= set(payload["hits"][0])


def test_ingest_of_a_bad_file_names_it_and_exits_nonzero(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_text("The Greens won their first seat on the council.")
    (tmp_path / "in" / "empty.txt").write_text("")
    result = hustings("ingest", str(tmp_path / "in"), data_dir=tmp_path / "data")
    assert result.returncode == 1
    assert "empty.txt: empty file, skipped" in result.stderr
    assert "1 new" in result.stdout and "1 failed" in result.stdout


def test_commands_on_a_missing_store_say_what_to_run(tmp_path: Path) -> None:
    result = hustings("search", "anything", data_dir=tmp_path / "nothing")
    assert result.returncode == 2
    assert "run `hustings ingest`" in result.stderr
    assert "Traceback" not in result.stderr


def test_ingest_beside_a_running_server_writes_the_next_generation_and_a_second_ingest_waits_its_turn(
    seeded: tuple[Path, subprocess.CompletedProcess], sample_results: list[Path], seeds: Path
) -> None:
    from corpus.store import Store

    data_dir, _ = seeded
    with Store.open(data_dir, read_only=True) as serving:  # as `hustings serve` holds it
        results = hustings("ingest", "--results", str(sample_results[0]), data_dir=data_dir)
        assert results.returncode == 0, results.stderr
        assert serving.connection.execute("SELECT count(*) FROM sources").fetchone() == (0,)  # still its own
    with Store.open(data_dir, read_only=True) as later:
        assert later.connection.execute("SELECT count(*) FROM sources").fetchone() == (1,)
    with Store.open(data_dir):  # an ingest running
        busy = [hustings("ingest", "--results", str(sample_results[1]), data_dir=data_dir),
                hustings("ingest", str(seeds), data_dir=data_dir)]
    for result in busy:
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert "is being written by process" in result.stderr and "wait for it to finish" in result.stderr


def test_a_results_import_that_would_remove_rows_exits_nonzero_until_replace_is_given(
    tmp_path: Path, sample_results: list[Path]
) -> None:
    full = next(p for p in sample_results if p.name == "councils-hoc-council-composition.csv")
    shrunk = tmp_path / "other" / full.name
    shrunk.parent.mkdir()
    shrunk.write_text("".join(full.read_text(encoding="utf-8").splitlines(keepends=True)[:20]), encoding="utf-8")
    assert hustings("ingest", "--results", str(full), data_dir=tmp_path / "data").returncode == 0
    refused = hustings("ingest", "--results", str(shrunk), data_dir=tmp_path / "data")
    assert refused.returncode == 1 and "would leave fewer rows" in refused.stderr and "--replace" in refused.stderr
    replaced = hustings("ingest", "--results", str(shrunk), "--replace", data_dir=tmp_path / "data")
    assert replaced.returncode == 0 and "as asked (--replace)" in replaced.stdout


@pytest.fixture
def sample_results() -> list[Path]:
    return sorted((Path(__file__).resolve().parents[2] / "corpus" / "sample" / "results").glob("*.csv"))

"""The `hustings` command as a user runs it: a real process, the real model, a store in tmp_path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HUSTINGS = Path(sys.executable).with_name("hustings")
SAMPLE_ARTICLES = Path(__file__).resolve().parents[2] / "corpus" / "sample" / "articles"


def hustings(*args: str, data_dir: Path, columns: int = 80) -> subprocess.CompletedProcess[str]:
    # COLUMNS: the width rich lays tables out to when the output is not a terminal
    env = {**os.environ, "HUSTINGS_DATA_DIR": str(data_dir), "COLUMNS": str(columns)}
    return subprocess.run([str(HUSTINGS), *args], capture_output=True, text=True, env=env, timeout=300)


def test_version_is_the_installed_packages(tmp_path: Path) -> None:
    from importlib.metadata import version

    for flag in ("--version", "-V"):
        result = hustings(flag, data_dir=tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == f"hustings {version('hustings')}"
    assert not (tmp_path / "stores").exists()  # it opened no store


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
    assert "datasets: none" in result.stdout


def test_status_tables_every_dataset_and_article_source(tmp_path: Path, sample_results: list[Path]) -> None:
    from corpus.catalogue import catalogue
    from corpus.store import Store

    data_dir = tmp_path / "data"
    assert hustings("ingest", str(SAMPLE_ARTICLES), "--results", *map(str, sample_results),
                    data_dir=data_dir).returncode == 0
    with Store.open(data_dir, read_only=True) as store:
        datasets, outlets = catalogue(store.connection)
    result = hustings("status", data_dir=data_dir, columns=250)
    assert result.returncode == 0, result.stderr
    assert f"datasets: {len(datasets)}" in result.stdout and len(datasets) == len(sample_results)
    lines = result.stdout.splitlines()
    for entry in datasets:
        row = next(line for line in lines if entry.title in line)
        assert entry.publisher in row and entry.licence in row and f"{entry.loaded_at:%Y-%m-%d %H:%M}" in row
        assert f" {entry.rows:,} " in row
        assert any(entry.file in line for line in lines)
    assert [(o.source, o.articles) for o in outlets] == [("hustings sample", 12)]
    row = next(line for line in lines if "hustings sample" in line)
    assert row.split() == ["hustings", "sample", "12", "0"]  # outlet, articles, with a URL


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


def test_ingest_of_a_folder_of_results_files_says_it_holds_no_articles_and_suggests_results(
    tmp_path: Path, sample_results: list[Path]
) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    for path in sample_results[:2]:
        (folder / path.name).write_bytes(path.read_bytes())
    result = hustings("ingest", str(folder), data_dir=tmp_path / "data")
    assert result.returncode == 1
    assert f"no readable articles in {folder}" in result.stderr and "it holds 2 .csv files" in result.stderr
    assert f"`hustings ingest --results {folder / sample_results[0].name}`" in result.stderr
    (tmp_path / "empty").mkdir()
    result = hustings("ingest", str(tmp_path / "empty"), data_dir=tmp_path / "data")
    assert result.returncode == 1 and "no readable articles in" in result.stderr and "--results" not in result.stderr


def test_hundreds_of_notes_of_one_kind_are_one_line_with_a_count_and_the_first_three_named(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(120):  # one article and 119 copies of it
        (folder / f"copy-{n:03}.txt").write_text("The Greens won their first seat on the council.")
    for n in range(3):
        (folder / f"empty-{n}.txt").write_text("")
    result = hustings("ingest", str(folder), data_dir=tmp_path / "data")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert [line for line in lines if "empty" in line] == [f"{folder}/empty-{n}.txt: empty file, skipped"
                                                          for n in range(3)]  # lost files: each named
    copies = [line for line in lines if "not stored twice" in line]
    assert copies == [f"119 × the same article as …: not stored twice — {folder}/copy-001.txt, {folder}/copy-002.txt, "
                      f"{folder}/copy-003.txt … and 116 more"]
    assert len(lines) == 4
    assert "1 new" in result.stdout and "3 failed, 119 copies of others not stored twice" in result.stdout


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

"""manifest.csv beside articles: titles and fields, copies skipped, a parent's manifest for a subfolder, bad rows."""

from __future__ import annotations

import csv
import hashlib
import os
from datetime import date
from pathlib import Path

import pytest

from corpus.readers import read_articles
from corpus.records import Article, ReadProblem
from index.build import ingest
from tests.helpers import HashEmbedder, write_manifest

HEADER = "path,category,title,n_chars,encoding,md5,duplicate_of,mentions_election"


def _read(*paths: Path) -> tuple[list[Article], list[ReadProblem]]:
    items = list(read_articles(list(paths)))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, ReadProblem)]


def _write(folder: Path, name: str, text: str) -> str:
    """Write an article file; return the md5 of its bytes, as the manifest's md5 column holds it."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return hashlib.md5(path.read_bytes()).hexdigest()


def _bbc_like(root: Path) -> Path:
    """A small corpus in the BBC layout: category folders, manifest.csv above them, two copies in politics."""
    first = _write(root, "politics/001.txt", "Blair sets poll date\n\nThe prime minister named the day.\n")
    second = _write(root, "politics/002.txt", "Howard attacks tax plans\n\nThe Tory leader spoke in Leeds.\n")
    third = _write(root, "politics/003.txt", "Blair sets poll date\n\nThe prime minister named the day.\n")
    fourth = _write(root, "politics/004.txt", "Howard attacks tax plans\n\nThe Tory leader spoke in Leeds.\n")
    tech = _write(root, "tech/001.txt", "Broadband use grows\n\nMore homes are online.\n")
    (root / "manifest.csv").write_text(
        f"{HEADER}\n"
        f"politics/001.txt,politics,\"Poll date set, says Blair\",30,utf-8,{first},,1\n"
        f"politics/002.txt,politics,Howard on tax,30,utf-8,{second},,0\n"
        f"politics/003.txt,politics,\"Poll date set, says Blair\",30,utf-8,{third},politics/001.txt,1\n"
        f"politics/004.txt,politics,Howard on tax,30,utf-8,{fourth},politics/002.txt,0\n"
        f"tech/001.txt,tech,Broadband grows,20,utf-8,{tech},,0\n",
        encoding="utf-8",
    )
    return root


def test_titles_and_known_columns_come_from_the_csv_manifest_and_unknown_columns_are_ignored(tmp_path: Path) -> None:
    _write(tmp_path, "one.txt", "First line is not the title\n\nLabour held the ward.\n")
    (tmp_path / "manifest.csv").write_text(
        "file,id,title,date,source,url,category,n_chars,mentions_election\n"
        "one.txt,ward-1,Ward held,2018-05-04,Gazette,https://example.org/w,locals,22,1\n",
        encoding="utf-8",
    )
    [article], problems = _read(tmp_path)
    assert problems == []
    assert (article.id, article.title, article.published, article.source, article.url) == (
        "ward-1", "Ward held", date(2018, 5, 4), "Gazette", "https://example.org/w")
    assert article.id_given
    assert article.meta == {"category": "locals"}


def test_files_the_manifest_marks_duplicate_are_skipped_and_counted_in_one_line(tmp_path: Path) -> None:
    articles, problems = _read(_bbc_like(tmp_path))
    assert [Path(a.path or "").relative_to(tmp_path.resolve()).as_posix() for a in articles] == [
        "politics/001.txt", "politics/002.txt", "tech/001.txt"]
    assert articles[0].title == "Poll date set, says Blair"
    [note] = problems
    assert note.path == tmp_path / "manifest.csv" and not note.skipped
    assert note.message == "skipped 2 duplicate files the manifest marks (duplicate_of), e.g. politics/003.txt"


def test_the_ingest_summary_counts_the_skipped_copies_once_and_fails_nothing(tmp_path: Path) -> None:
    report = ingest([_bbc_like(tmp_path / "bbc")], tmp_path / "data", HashEmbedder())
    assert (report.new, report.failed, report.duplicates) == (3, 0, 0)
    assert [p.message for p in report.problems if "duplicate" in p.message] == [
        "skipped 2 duplicate files the manifest marks (duplicate_of), e.g. politics/003.txt"]
    assert [p.skipped for p in report.problems] == [False, False]  # the other: tech/001.txt is "tech-001"


def test_ingesting_a_subfolder_applies_the_parent_manifest_rows_under_it(tmp_path: Path) -> None:
    root = _bbc_like(tmp_path)
    _write(root, "politics/999.txt", "Not in the manifest\n\nSo not an article.\n")
    articles, [note] = _read(root / "politics")
    assert [(a.id, a.title, a.meta) for a in articles] == [
        ("001", "Poll date set, says Blair", {"category": "politics"}),
        ("002", "Howard on tax", {"category": "politics"}),
    ]
    assert note.path == root.resolve() / "manifest.csv"
    assert note.message.startswith("skipped 2 duplicate files") and note.message.endswith("e.g. politics/003.txt")


def test_a_file_named_on_its_own_gets_the_parent_manifest_row_and_is_read_even_if_a_copy(tmp_path: Path) -> None:
    root = _bbc_like(tmp_path)
    articles, problems = _read(root / "politics" / "002.txt", root / "politics" / "004.txt")
    assert problems == []
    assert [(a.id, a.title) for a in articles] == [("002", "Howard on tax"), ("004", "Howard on tax")]


def test_a_copy_whose_original_is_not_read_now_is_read_itself(tmp_path: Path) -> None:
    root = tmp_path / "bbc"
    original = _write(root, "politics/001.txt", "Blair sets poll date\n\nThe day is named.\n")
    _write(root, "tech/001.txt", "Blair sets poll date\n\nThe day is named.\n")
    (root / "manifest.csv").write_text(
        f"path,title,md5,duplicate_of\npolitics/001.txt,Poll date,{original},\n"
        f"tech/001.txt,Poll date,{original},politics/001.txt\n", encoding="utf-8")
    articles, problems = _read(root / "tech")
    assert problems == [] and [a.title for a in articles] == ["Poll date"]


def test_a_copy_whose_bytes_differ_from_its_original_is_read_and_reported(tmp_path: Path) -> None:
    root = _bbc_like(tmp_path)
    (root / "politics" / "004.txt").write_text("Howard attacks tax plans\n\nHe spoke in York, not Leeds.\n")
    articles, problems = _read(root / "politics")
    assert [a.id for a in articles] == ["001", "002", "004"]
    assert [(p.line, p.skipped) for p in problems] == [(5, False), (None, False)]
    assert "politics/004.txt is marked duplicate_of politics/002.txt but their bytes differ" in problems[0].message
    assert problems[1].message.startswith("skipped 1 duplicate file the manifest marks")


def test_a_copy_of_a_missing_original_is_read_in_its_place(tmp_path: Path) -> None:
    root = _bbc_like(tmp_path)
    (root / "politics" / "001.txt").unlink()
    articles, problems = _read(root / "politics")
    assert [(a.id, a.title) for a in articles] == [("002", "Howard on tax"), ("003", "Poll date set, says Blair")]
    assert [(p.path.name, p.skipped) for p in problems] == [("001.txt", True), ("manifest.csv", False)]
    assert problems[1].message == "skipped 1 duplicate file the manifest marks (duplicate_of), e.g. politics/004.txt"


def test_a_malformed_row_is_reported_by_file_line_and_field_and_the_other_rows_apply(tmp_path: Path) -> None:
    for name in ("a", "b", "c", "d", "e", "f"):
        _write(tmp_path, f"{name}.txt", f"Headline {name}\n\nBody of {name}.\n")
    (tmp_path / "manifest.csv").write_text(
        "path,title,published,md5,duplicate_of\n"
        "a.txt,Title A,2022-05-05,,\n"
        "b.txt,Title B\n"  # too few fields
        'c.txt,"Title C,2022-05-05,,\n'  # an unclosed quote
        "d.txt,Title D,last Thursday,,\n"  # not a date: kept, undated
        "../e.txt,Title E,,,\n"  # outside the manifest's folder
        "f.txt,Title F,,nothex,nowhere.txt\n",  # a bad md5, a copy of no row
        encoding="utf-8",
    )
    articles, problems = _read(tmp_path)
    assert [(a.id, a.title, a.published) for a in articles] == [
        ("a", "Title A", date(2022, 5, 5)), ("d", "Title D", None), ("f", "Title F", None)]
    assert all(p.path == tmp_path / "manifest.csv" for p in problems)
    assert [(p.line, p.skipped) for p in problems] == [(3, True), (4, True), (5, False), (6, True), (7, False),
                                                       (7, False)]
    messages = [p.message for p in problems]
    assert messages[0] == "2 fields where the header has 5 (no published), row skipped"
    assert messages[1].startswith("not valid CSV (") and messages[1].endswith("), row skipped")
    assert messages[2] == "published 'last Thursday' is not a date (YYYY-MM-DD): d.txt is stored undated"
    assert messages[3] == "path '../e.txt' does not name a file inside the manifest's folder, row skipped"
    assert messages[4] == "md5 'nothex' is not 32 hex digits: ignored"
    assert messages[5] == "duplicate_of 'nowhere.txt' names no row of this manifest: f.txt is read as an article"
    assert str(problems[0]).startswith(f"{tmp_path / 'manifest.csv'}:3: ")


def test_a_row_naming_a_missing_file_is_reported_and_the_others_read(tmp_path: Path) -> None:
    _write(tmp_path, "here.txt", "Here\n\nA count.\n")
    (tmp_path / "manifest.csv").write_text("path,title\ngone.txt,Gone\nhere.txt,Here it is\n", encoding="utf-8")
    [article], [problem] = _read(tmp_path)
    assert article.title == "Here it is"
    assert (problem.path, problem.message, problem.skipped) == (
        tmp_path / "gone.txt", "listed in the manifest but missing", True)


def test_a_header_without_a_path_column_is_reported_and_the_folder_read_file_by_file(tmp_path: Path) -> None:
    _write(tmp_path, "one.txt", "One\n\nA count.\n")
    (tmp_path / "manifest.csv").write_text("name,title\none.txt,Ignored\n", encoding="utf-8")
    [article], [problem] = _read(tmp_path)
    assert article.title == "One"
    assert problem.line == 1 and 'needs a "path" column' in problem.message and "name, title" in problem.message


def test_manifest_jsonl_wins_over_a_manifest_csv_beside_it(tmp_path: Path) -> None:
    _write(tmp_path, "one.txt", "One\n\nA count.\n")
    write_manifest(tmp_path, [{"file": "one.txt", "title": "From the jsonl"}])
    (tmp_path / "manifest.csv").write_text("path,title\none.txt,From the csv\n", encoding="utf-8")
    [article], [note] = _read(tmp_path)
    assert article.title == "From the jsonl"
    assert note.path == tmp_path / "manifest.csv" and not note.skipped and "ignored" in note.message


def test_a_folder_s_own_manifest_wins_over_its_parent_s(tmp_path: Path) -> None:
    root = _bbc_like(tmp_path)
    (root / "politics" / "manifest.csv").write_text("path,title\n002.txt,Nearest wins\n", encoding="utf-8")
    [article], problems = _read(root / "politics")
    assert problems == [] and (article.id, article.title) == ("002", "Nearest wins")


def test_a_parent_manifest_that_lists_nothing_under_the_folder_is_not_used(tmp_path: Path) -> None:
    root = _bbc_like(tmp_path)
    _write(root, "sport/001.txt", "Cup final tonight\n\nA big crowd.\n")
    [article], problems = _read(root / "sport")
    assert problems == [] and article.title == "Cup final tonight"


BBC = "bbc-news-2004-2005"


@pytest.mark.shared
def test_the_bbc_politics_folder_reads_with_the_manifest_titles_and_its_copies_skipped(shared: Path) -> None:
    corpus = shared / "data" / BBC
    if not (corpus / "manifest.csv").is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{corpus / 'manifest.csv'} is missing: CI runs with ../shared beside the repository")
        pytest.skip(f"{corpus / 'manifest.csv'} is not here")
    with (corpus / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["path"].startswith("politics/")]
    kept = {Path(row["path"]).stem: row["title"] for row in rows if not row["duplicate_of"]}
    copies = [row["path"] for row in rows if row["duplicate_of"]]
    assert len(rows) == len(list((corpus / "politics").glob("*.txt")))
    assert (len(rows), len(copies)) == (417, 14)  # as SOURCE.md states

    articles, problems = _read(corpus / "politics")

    assert {a.id: a.title for a in articles} == kept
    assert len(articles) == len(rows) - len(copies)
    assert all(a.meta == {"category": "politics"} for a in articles)
    [note] = problems
    assert note.message == f"skipped {len(copies)} duplicate files the manifest marks (duplicate_of), e.g. {copies[0]}"

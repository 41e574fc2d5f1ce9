from __future__ import annotations

from datetime import date
from pathlib import Path

from corpus.readers import read_articles
from corpus.records import Article, ReadProblem
from tests.helpers import write_manifest


def _read(*paths: Path) -> tuple[list[Article], list[ReadProblem]]:
    items = list(read_articles(list(paths)))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, ReadProblem)]


def test_plain_text_takes_its_id_from_the_stem_and_title_from_a_headline_line(tmp_path: Path) -> None:
    (tmp_path / "hull-count.txt").write_text("Hull count goes late\n\nThe count ran past three in the morning.\n")
    [article], problems = _read(tmp_path)
    assert problems == []
    assert article.id == "hull-count"
    assert article.title == "Hull count goes late"
    assert article.published is None
    assert article.text.endswith("three in the morning.")


def test_plain_text_without_a_headline_is_titled_by_its_first_sentence(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Turnout was low across the city. Officials blamed the rain.")
    [article], _ = _read(tmp_path)
    assert article.title == "Turnout was low across the city."


def test_manifest_supplies_ids_titles_dates_and_limits_the_folder_to_its_files(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text("Labour held the ward with a reduced majority.")
    (tmp_path / "README.md").write_text("# About this folder\n\nNot an article.")
    write_manifest(tmp_path, [{"id": "art-1", "file": "one.txt", "title": "Ward held", "published": "2018-05-04",
                               "election": "2018 locals"}])
    [article], problems = _read(tmp_path)
    assert problems == []
    assert (article.id, article.title, article.published) == ("art-1", "Ward held", date(2018, 5, 4))
    assert article.meta == {"election": "2018 locals"}


def test_a_file_named_directly_still_gets_its_manifest_metadata(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text("The Greens took their first seat.")
    write_manifest(tmp_path, [{"id": "greens", "file": "one.txt", "title": "First Green seat"}])
    [article], _ = _read(tmp_path / "one.txt")
    assert (article.id, article.title) == ("greens", "First Green seat")


def test_markdown_front_matter_becomes_metadata(tmp_path: Path) -> None:
    (tmp_path / "m.md").write_text(
        "---\ntitle: Count night\npublished: 2022-05-06\nsource: Gazette\nurl: https://example.org/c\n---\n"
        "The Liberal Democrats took control.\n"
    )
    [article], _ = _read(tmp_path)
    assert (article.title, article.published, article.source, article.url) == (
        "Count night", date(2022, 5, 6), "Gazette", "https://example.org/c")
    assert article.text == "The Liberal Democrats took control."


def test_broken_front_matter_is_reported_with_its_line_and_other_files_still_load(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_text("---\ntitle: [unclosed\npublished: x\n---\nBody.\n")
    (tmp_path / "good.txt").write_text("A good article about the count.")
    articles, problems = _read(tmp_path)
    assert [a.id for a in articles] == ["good"]
    assert len(problems) == 1 and problems[0].path.name == "bad.md" and "YAML" in problems[0].message
    assert problems[0].line is not None


def test_html_main_text_is_extracted_without_navigation(tmp_path: Path) -> None:
    body = " ".join(["The Conservatives lost control of the council after a long night of recounts."] * 3)
    (tmp_path / "page.html").write_text(
        "<html><head><title>Council changes hands</title></head><body><nav>Home | Sport | Weather</nav>"
        f"<article><h1>Council changes hands</h1><p>{body}</p><p>Turnout was 31 per cent.</p></article>"
        "<footer>Cookie settings</footer></body></html>"
    )
    [article], _ = _read(tmp_path)
    assert article.title == "Council changes hands"
    assert "Turnout was 31 per cent." in article.text
    assert "Cookie settings" not in article.text and "Weather" not in article.text


def test_jsonl_reads_one_article_per_line_and_names_bad_lines(tmp_path: Path) -> None:
    (tmp_path / "feed.jsonl").write_text(
        '{"id": "a", "title": "A", "published": "2019-12-13", "text": "The swing was large."}\n'
        "{not json}\n"
        '{"title": "no text"}\n'
        '{"title": "B", "text": "Another night, another count."}\n'
    )
    articles, problems = _read(tmp_path)
    assert [a.id for a in articles] == ["a", "feed-4"]
    assert [(p.line, p.skipped) for p in problems] == [(2, True), (3, True)]
    assert all(p.path.name == "feed.jsonl" for p in problems)


def test_empty_and_binary_files_are_reported_by_name_and_skipped(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("  \n")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "ok.txt").write_text("Labour gained two seats.")
    articles, problems = _read(tmp_path)
    assert [a.id for a in articles] == ["ok"]
    assert {p.path.name: p.skipped for p in problems} == {"empty.txt": True, "image.txt": True}
    assert any("empty" in p.message for p in problems) and any("binary" in p.message for p in problems)


def test_latin1_file_is_decoded_with_the_stated_fallback_and_reported(tmp_path: Path) -> None:
    (tmp_path / "pounds.txt").write_bytes("Spending rose by £3m in Grimsby.".encode("latin-1"))
    [article], [problem] = _read(tmp_path)
    assert article.text == "Spending rose by £3m in Grimsby."
    assert not problem.skipped
    assert "not valid UTF-8" in problem.message and "cp1252" in problem.message


def test_a_bad_date_is_reported_and_the_article_kept(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text("The recount changed nothing.")
    write_manifest(tmp_path, [{"file": "one.txt", "published": "last Thursday"}])
    [article], [problem] = _read(tmp_path)
    assert article.published is None and not problem.skipped and "last Thursday" in problem.message


def test_missing_paths_and_files_listed_but_absent_are_reported(tmp_path: Path) -> None:
    write_manifest(tmp_path, [{"file": "gone.txt"}])
    articles, problems = _read(tmp_path, tmp_path / "nowhere")
    assert articles == []
    assert sorted(p.path.name for p in problems) == ["gone.txt", "nowhere"]


def test_the_seed_articles_read_with_their_manifest(seeds: Path) -> None:
    articles, problems = _read(seeds)
    assert problems == []
    assert len(articles) == 3
    assert all(a.published is not None and a.title for a in articles)
    assert {a.id for a in articles} == {"000_e0cb5800c4680bae", "001_c8154b88ad24cdbe", "002_721db8bfaee5e980"}


UNDATED_PAGE = (
    "<html><head><title>Labour's long night in Hull</title>{meta}</head><body><article>"
    "<h1>Labour's long night in Hull</h1><p>In 2018 the Liberal Democrats made gains across the city, taking "
    "wards that Labour had held for a decade. Campaigners said the result surprised them.</p><p>The party's "
    "leader said the 2018 result was a warning that Labour could not ignore.</p></article></body></html>"
)


def test_an_undated_page_that_mentions_a_year_stays_undated(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(UNDATED_PAGE.format(meta=""), encoding="utf-8")
    [article] = read_articles([tmp_path / "page.html"])
    assert isinstance(article, Article) and article.published is None  # not 1 January 2018


def test_a_page_that_states_its_date_keeps_it(tmp_path: Path) -> None:
    stated = '<meta property="article:published_time" content="2018-05-05T08:00:00Z">'
    (tmp_path / "page.html").write_text(UNDATED_PAGE.format(meta=stated), encoding="utf-8")
    [article] = read_articles([tmp_path / "page.html"])
    assert isinstance(article, Article) and article.published == date(2018, 5, 5)

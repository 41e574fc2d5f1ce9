"""Block Kit rendering: citations name their outlet and link the article, figures name their datasets, tables
stay compact with thousands separators, and nothing from an article or a dataset becomes Slack markup."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.schemas import ChatResponse, CitationOut, DatasetOut
from api.slack_blocks import BLOCKS_MAX, SECTION_MAX, link, render_answer

LEAP = DatasetOut(title="LEAP: Local Elections Archive Project", publisher="Andrew Teale", licence="CC BY-SA 3.0",
                  url="https://www.andrewteale.me.uk/leap/")


BBC = "https://www.bbc.co.uk/news/uk-politics-44010355"


def cite(n: int = 1, url: str | None = BBC, source: str | None = "BBC News",
         title: str = "Lib Dems close the gap in Hull") -> CitationOut:
    return CitationOut(n=n, article_id="a", title=title, published=date(2018, 5, 5), source=source, url=url,
                       passage_id="a#1", start=0, end=40, text="Turnout was low. Labour held on.", score=0.6)


def reply(**fields: Any) -> ChatResponse:
    given: dict[str, Any] = {"session_id": "s", "answer": "Labour won 31 of the 57 seats.", "route": "sql",
                             "outcome": "figure", "understood": "seats won · Labour · Hull · 2018 local",
                             "confidence": 0.95, "citations": [], "sql": None, "rows": [], "timings_ms": {}}
    return ChatResponse(**(given | fields))


def texts(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["text"]["text"] if "text" in b else b["elements"][0]["text"] for b in blocks]


def test_a_citation_links_its_title_and_names_its_outlet_and_day() -> None:
    _, blocks = render_answer(reply(route="passages", outcome="quote", citations=[cite()],
                                    answer="“Turnout was low.” [1]"))
    [line] = [t for t in texts(blocks) if t.startswith("*[1]")]
    assert line.split("\n")[0] == ("*[1] <https://www.bbc.co.uk/news/uk-politics-44010355|Lib Dems close the gap in "
                                   "Hull>* · BBC News · 5 May 2018")
    assert line.split("\n")[1] == "> “Turnout was low.”"


def test_a_citation_without_an_address_or_outlet_is_plain_text() -> None:
    _, blocks = render_answer(reply(citations=[cite(url=None, source=None)]))
    [line] = [t for t in texts(blocks) if t.startswith("*[1]")]
    assert line.startswith("*[1] Lib Dems close the gap in Hull* · 5 May 2018\n") and "<" not in line


def test_a_figure_names_its_datasets_with_a_link_publisher_and_licence() -> None:
    unlinked = DatasetOut(title="Trafford results", publisher=None, licence="OGL v3.0", url=None)
    _, blocks = render_answer(reply(datasets=[LEAP, unlinked]))
    [sources] = [t for t in texts(blocks) if t.startswith("Source:")]
    assert sources.split("\n") == [
        "Source: <https://www.andrewteale.me.uk/leap/|LEAP: Local Elections Archive Project> "
        "(Andrew Teale, CC BY-SA 3.0)",
        "Source: Trafford results (OGL v3.0)"]


def test_links_escape_what_slack_would_read_as_markup_and_refuse_what_is_not_a_web_address() -> None:
    assert link("https://example.org/a?b=1&c=2|x>y", "Q&A <live>") == (
        "<https://example.org/a?b=1&amp;c=2%7Cx%3Ey|Q&amp;A &lt;live&gt;>")
    assert link("javascript:alert(1)", "Title") == "Title"
    assert link("https://example.org/with space", "Title") == "Title"
    _, blocks = render_answer(reply(citations=[cite(title="<!channel> *won*", source="<@U123>")]))
    [line] = [t for t in texts(blocks) if t.startswith("*[1]")]
    assert "<!channel>" not in line and "<@U123>" not in line and "&lt;!channel&gt;" in line


def test_tables_are_compact_with_thousands_separators_and_no_codes() -> None:
    rows = [{"candidate": "Mike Hill", "party_code": "LAB", "party": "Labour", "votes": 15464, "year": 2019,
             "share_percent": 37.66, "elected": True, "source_file": "ge-2019.csv"},
            {"candidate": "Richard Tice", "party_code": "BRX", "party": "Brexit Party", "votes": 10603, "year": 2019,
             "share_percent": 25.8, "elected": False, "source_file": "ge-2019.csv"}]
    _, blocks = render_answer(reply(rows=rows))
    [table] = [t for t in texts(blocks) if t.startswith("*2 rows*")]
    lines = table.removeprefix("*2 rows*\n```").removesuffix("```").split("\n")
    assert lines[0].split() == ["candidate", "party", "votes", "year", "share", "%", "elected"]
    assert lines[1].split() == ["Mike", "Hill", "Labour", "15,464", "2019", "37.7", "yes"]
    assert "LAB" not in table and "ge-2019.csv" not in table
    assert lines[1].index("15,464") + len("15,464") == lines[0].index("votes") + len("votes")  # right-aligned


def test_rows_of_two_shapes_make_two_tables() -> None:
    rows = [{"party": "Labour", "seats_won": 31}, {"party": "Labour", "seats_held": 31, "total_seats": 57}]
    _, blocks = render_answer(reply(rows=rows))
    assert [t.split("\n")[0] for t in texts(blocks) if t.startswith("*1 row*")] == ["*1 row*", "*1 row*"]


def test_many_citations_and_datasets_still_fit_slacks_limits() -> None:
    many = reply(answer="Seats. " * 6000, citations=[cite(n) for n in range(1, 30)], datasets=[LEAP] * 40,
                 rows=[{f"c{i}": i * 1000 for i in range(30)} for _ in range(50)], sql="SELECT 1 " * 900)
    _, blocks = render_answer(many)
    assert len(blocks) <= BLOCKS_MAX and all(len(t) <= SECTION_MAX for t in texts(blocks))


def test_a_lone_wide_row_reads_down_the_page_without_its_empty_columns() -> None:
    row = {"constituency": "Hartlepool", "winner": "Mike Hill", "party": "Labour", "party_code": "LAB",
           "majority": 3595, "electorate": 70855, "turnout_percent": 57.9, "declared": None}
    _, blocks = render_answer(reply(rows=[row]))
    [table] = [t for t in texts(blocks) if t.startswith("*1 row*")]
    lines = [line.split() for line in table.removeprefix("*1 row*\n```").removesuffix("```").split("\n")]
    assert lines == [["constituency", "Hartlepool"], ["winner", "Mike", "Hill"], ["party", "Labour"],
                     ["majority", "3,595"], ["electorate", "70,855"], ["turnout", "%", "57.9"]]

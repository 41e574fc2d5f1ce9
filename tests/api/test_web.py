"""The web chat page in a real browser: Debian's chromium, driven by Playwright, never a downloaded one.

The page is served over the project's sample plus one article written here with an outlet and a link, so that
a citation has somewhere to point. Every request the page makes to anywhere but the server is refused and
counted; screenshots go to var/screenshots/ (CI keeps them as artefacts).
"""

from __future__ import annotations

import csv
import io
import json
import os
import statistics
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from index.embed import Embedder
from tests.api.conftest import sample_settings, serving
from tests.conftest import SAMPLE
from tests.helpers import results_store, write_manifest

pytestmark = pytest.mark.model
CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
RENDER_TIMINGS = ROOT / "var" / "bench" / "web-render.json"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
GAZETTE_URL = "https://gazette.example/2022/05/sunderland-count"
# Written for this test: a made-up outlet's report, so that a citation has an outlet and a link.
GAZETTE = """The count at the Sunderland Aquatic Centre ran past three in the morning. Turnout in the city was low \
again, with fewer than one voter in three casting a ballot in some wards, and party agents blamed the cost of living \
for keeping people at home.

Labour kept its grip on Sunderland council despite losing seats to the Liberal Democrats and the Conservatives. \
Council officers said the postal vote had held up better than the vote on the day.
"""


@pytest.fixture(scope="module")
def page_server(real_embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over the sample's results and articles and the made-up gazette's report, on loopback."""
    from index.build import ingest

    data_dir = results_store(tmp_path_factory.mktemp("page"), sorted((SAMPLE / "results").glob("*.csv")))
    gazette = tmp_path_factory.mktemp("gazette")
    (gazette / "sunderland-count.txt").write_text(GAZETTE, encoding="utf-8")
    write_manifest(gazette, [{"id": "gazette-sunderland-count", "file": "sunderland-count.txt",
                              "title": "A long night at the Sunderland count", "published": "2022-05-06",
                              "source": "The Wearside Gazette", "url": GAZETTE_URL}])
    ingest([SAMPLE / "articles", gazette], data_dir, real_embedder)
    with serving(sample_settings(data_dir)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


class Visit:
    """A page in its own browser context that refuses (and counts) every request not to the server, and
    records what the console complains of."""

    def __init__(self, browser: object, base: str, width: int) -> None:
        self.context = browser.new_context(  # type: ignore[attr-defined]
            viewport={"width": width, "height": 900}, is_mobile=width < 600, accept_downloads=True)
        self.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
        self.left: list[str] = []
        self.complaints: list[str] = []
        self.context.route("**/*", self._only_the_server(base))
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.complaints.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda error: self.complaints.append(str(error)))

    def _only_the_server(self, base: str) -> object:
        def handle(route: object) -> None:
            url = route.request.url  # type: ignore[attr-defined]
            if url.startswith(base) or url.startswith(("data:", "blob:")):
                route.continue_()  # type: ignore[attr-defined]
            else:
                self.left.append(url)
                route.abort()  # type: ignore[attr-defined]
        return handle

    def ask(self, question: str) -> object:
        """Type a question, press Enter, and wait for the bot's answer to appear."""
        before = self.answers().count()  # type: ignore[attr-defined]
        self.page.fill("#question", question)
        self.page.press("#question", "Enter")
        self.answers().nth(before).wait_for(timeout=60_000)  # type: ignore[attr-defined]
        return self.answers().nth(before)  # type: ignore[attr-defined]

    def answers(self) -> object:
        return self.page.locator("#messages .message.bot[data-route]")

    def render_times(self) -> list[float]:
        shown = self.page.eval_on_selector_all("[data-render-ms]", "found => found.map(e => e.dataset.renderMs)")
        return [float(t) for t in shown]

    def close(self) -> None:
        self.context.close()


def numbers(texts: list[str]) -> list[float]:
    return [float(t.replace(",", "").rstrip("%")) for t in texts]


def bars_of(answer: object) -> list[tuple[str, float]]:
    labels = answer.locator("figure.chart g.bar").evaluate_all(  # type: ignore[attr-defined]
        "bars => bars.map(b => [b.dataset.label, Number(b.dataset.value)])")
    return [(label, value) for label, value in labels]


def column(answer: object, name: str, table: int = 0) -> list[str]:
    """The cells of one column of one of the answer's tables, by its heading."""
    found = answer.locator("table.rows").nth(table)  # type: ignore[attr-defined]
    headings = found.locator("thead th").all_inner_texts()
    at = headings.index(name)
    return found.locator(f"tbody tr td:nth-child({at + 1})").all_inner_texts()


def record_render_times(times: list[float]) -> None:
    RENDER_TIMINGS.parent.mkdir(parents=True, exist_ok=True)
    RENDER_TIMINGS.write_text(json.dumps({"answers": len(times), "median_ms": statistics.median(times),
                                          "max_ms": max(times), "first_ms": times[0]}, indent=2))


def test_a_reporter_reads_charts_follows_sources_and_takes_an_answer_away(browser: object, page_server: str) -> None:
    visit = Visit(browser, page_server, 1280)
    page = visit.page
    page.goto(page_server + "/")
    assert page.evaluate("document.activeElement.id") == "question"  # ready to type, no click needed

    # The empty page offers questions the store answers; one click asks one.
    examples = page.locator("button.example")
    examples.first.wait_for(timeout=30_000)
    offered = examples.all_inner_texts()
    assert any("Sunderland" in q for q in offered) and any(q.startswith("Who won") for q in offered)
    examples.first.click()
    first = visit.answers().nth(0)
    first.wait_for(timeout=60_000)
    assert first.get_attribute("data-outcome") == "figure"
    assert first.locator(".trust").inner_text().strip() == "from the official results"
    assert first.locator(".trust").get_attribute("title").startswith("confidence ")

    # A council's seats, drawn: the bars are the table's figures, the majority line is half the seats plus one.
    seats = visit.ask("What was the make-up of Hull council after 2022?")
    assert seats.locator("figure.chart").get_attribute("data-kind") == "composition"
    assert bars_of(seats) == list(zip(column(seats, "party"), numbers(column(seats, "seats held")), strict=True))
    assert seats.locator("svg .note").text_content() == "29 for a majority"
    assert "Liberal Democrats 29" in seats.locator("ul.legend").inner_text()
    assert seats.locator("svg.chart").get_attribute("aria-label").startswith("seats held of 57")

    # Its dataset, with publisher and licence, and the page of every source.
    dataset = seats.locator(".datasets")
    assert "House of Commons Library, Open Parliament Licence v3.0" in dataset.inner_text()
    assert dataset.locator("a.dataset").get_attribute("href").startswith("https://")

    # Copied with its sources; the rows downloaded as CSV; a link that asks it again.
    seats.locator("button.copy").click()
    seats.locator("button.copy", has_text="Copied").wait_for(timeout=5_000)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert seats.locator(".answer").inner_text() in copied
    assert "Source: Local elections 2022" in copied and "Asked at http" in copied
    with page.expect_download() as downloading:
        seats.locator("button.csv").click()
    saved = downloading.value
    assert saved.suggested_filename.endswith(".csv")
    downloaded = list(csv.DictReader(io.StringIO(Path(saved.path()).read_text(encoding="utf-8"))))
    asked = httpx.post(page_server + "/chat", json={"message": "What was the make-up of Hull council after 2022?"})
    rows = asked.json()["rows"]
    assert [r["party"] for r in downloaded] == [r["party"] for r in rows]
    assert [int(r["seats_held"]) for r in downloaded] == [r["seats_held"] for r in rows]
    assert "source_file" in downloaded[0]  # the export keeps what the table leaves out
    permalink = seats.locator("a.permalink").get_attribute("href")

    # A ranking: one bar per constituency, in the answer's order, figures with thousands separators.
    ranking = visit.ask("Which constituencies had the smallest majorities in 2019?")
    bars = bars_of(ranking)
    assert bars[0] == ("Kensington", 150.0) and len(bars) == 9
    assert [value for _, value in bars] == numbers(column(ranking, "majority"))
    assert "1,239" in ranking.locator("svg.chart").text_content() and "1,239" in column(ranking, "majority")
    assert column(ranking, "constituency")[0] == "Kensington"  # the charted columns lead the table

    # A constituency: the votes by party drawn from the second of its two tables.
    result = visit.ask("What was the result in Hartlepool in 2019?")
    assert result.locator("table.rows").count() == 2  # the seat's result, then the votes: two shapes of row
    assert [v for _, v in bars_of(result)] == numbers(column(result, "votes", table=1))

    # Coverage: the outlet and the article's link beside the citation and in its window.
    quoted = visit.ask("How long did the Sunderland count go on?")
    assert quoted.get_attribute("data-outcome") in {"quote", "both"}
    assert quoted.locator(".trust").inner_text().strip().startswith("quoted from 1 article")
    cited = quoted.locator("ol.citations li").filter(has_text="The Wearside Gazette")
    assert cited.locator("a.article-link").get_attribute("href") == GAZETTE_URL
    cited.locator("button.source").click()
    window = page.locator("dialog#passage")
    assert window.is_visible()
    assert page.locator("#passage-meta").inner_text() == "The Wearside Gazette · 6 May 2022 · open the article"
    assert page.locator("#passage-meta a").get_attribute("href") == GAZETTE_URL
    assert page.locator("#passage-text mark").count() >= 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "web-citation-window.png"))
    page.keyboard.press("Escape")
    page.screenshot(path=str(SCREENSHOTS / "web-desktop.png"), full_page=True)
    record_render_times(visit.render_times())

    # The link reopens the question, answered afresh in a conversation of its own.
    again = visit.context.new_page()
    again.goto(permalink)
    reopened = again.locator("#messages .message.bot[data-route]").first
    reopened.wait_for(timeout=60_000)
    assert reopened.locator(".answer").inner_text() == seats.locator(".answer").inner_text()

    # The sources page: every dataset with its licence and rows, every outlet with its articles.
    page.goto(page_server + "/sources.html")
    page.locator("#sources-status").filter(has_text="datasets").wait_for(timeout=30_000)
    datasets = page.locator("#datasets tbody tr")
    listed = httpx.get(page_server + "/sources").json()
    assert datasets.count() == len(listed["datasets"]) > 3
    assert "Open Parliament Licence v3.0" in datasets.all_inner_texts()[0] or any(
        "Open Parliament Licence v3.0" in row for row in datasets.all_inner_texts())
    outlets = page.locator("#outlets tbody tr").all_inner_texts()
    assert any(row.startswith("The Wearside Gazette") for row in outlets)
    page.screenshot(path=str(SCREENSHOTS / "web-sources.png"), full_page=True)

    assert visit.left == []  # nothing the page asked for left the machine
    assert visit.complaints == []  # nothing the content security policy refused, nothing else broken
    visit.close()


def test_the_page_fits_a_phone(browser: object, page_server: str) -> None:
    visit = Visit(browser, page_server, 390)
    page = visit.page
    page.goto(page_server + "/")
    for question, figure in [("Which constituencies had the smallest majorities in 2019?", "majority"),
                             ("What was the result in Hartlepool in 2019?", "votes"),
                             ("What was the make-up of Hull council after 2022?", "seats held")]:
        answer = visit.ask(question)
        tables = answer.locator("table.rows")
        heading = tables.last.locator("thead th", has_text=figure).first
        box = heading.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390  # the figure asked for is on screen
        chart = answer.locator("figure.chart svg.chart").bounding_box()
        assert chart is not None and chart["x"] + chart["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
    answer.locator("details.sql summary").click()
    assert page.evaluate("[...document.querySelectorAll('details.sql pre')].every(p => p.scrollWidth <= p.clientWidth)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "web-phone.png"), full_page=True)
    assert visit.left == [] and visit.complaints == []
    visit.close()


def test_the_page_says_when_a_question_is_too_long(browser: object, page_server: str) -> None:
    visit = Visit(browser, page_server, 390)
    page = visit.page
    page.goto(page_server + "/")
    page.fill("#question", "x" * 2000 + "y")  # the box stops at the limit...
    assert len(page.input_value("#question")) == 2000
    page.evaluate("document.getElementById('question').removeAttribute('maxlength')")
    page.fill("#question", "x" * 2001)  # ...and the server says so when it is bypassed
    page.press("#question", "Enter")
    error = page.locator("#messages .message.error")
    error.wait_for(timeout=30_000)
    assert "limit is 2,000" in error.inner_text()
    visit.close()

"""The web chat page in a real browser: Debian's chromium, driven by Playwright, never a downloaded one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.model
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


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


def ask(page: object, question: str, answers_before: int) -> object:
    """Type a question, press Enter, and wait for the bot's answer to appear."""
    page.fill("#question", question)  # type: ignore[attr-defined]
    page.press("#question", "Enter")  # type: ignore[attr-defined]
    answers = page.locator("#messages .message.bot[data-route]")  # type: ignore[attr-defined]
    answers.nth(answers_before).wait_for(timeout=60_000)
    return answers.nth(answers_before)


def test_a_reporter_asks_a_factual_and_an_interpretive_question(browser: object, live_server: str) -> None:
    page = browser.new_page(viewport={"width": 1100, "height": 900})  # type: ignore[attr-defined]
    complaints: list[str] = []
    page.on("console", lambda message: complaints.append(message.text) if message.type == "error" else None)
    page.goto(live_server + "/")
    assert page.evaluate("document.activeElement.id") == "question"  # ready to type, no click needed

    factual = ask(page, "How many seats did Labour win in Hull in 2018?", 0)
    assert factual.get_attribute("data-route") == "sql"
    assert "31 of the 57 seats" in factual.locator(".answer").inner_text()
    assert factual.locator(".route").inner_text() == "results"
    assert factual.locator("table.rows td.number").first.inner_text() == "31"
    factual.locator("details.sql summary").click()
    assert "FROM seats_won" in factual.locator("details.sql pre").inner_text()

    follow_up = ask(page, "And the Lib Dems?", 1)
    assert "Liberal Democrats won 24" in follow_up.locator(".answer").inner_text()
    understood = follow_up.locator(".understood").inner_text()
    assert understood == "read as: seats won · Liberal Democrats · Kingston upon Hull · 2018 local"

    coverage = ask(page, "Why did the Lib Dems take control of Hull in 2022?", 2)
    assert coverage.get_attribute("data-route") in {"passages", "hybrid"}
    answer_text = coverage.locator(".answer").inner_text()
    coverage.locator("button.cite").first.click()
    dialog = page.locator("dialog#passage")
    assert dialog.is_visible()
    assert page.locator("#passage-title").inner_text() == coverage.locator("button.source").first.inner_text()[4:]
    assert "2022" in page.locator("#passage-meta").inner_text()
    marked = page.locator("#passage-text mark").first.inner_text()
    assert len(marked) > 20 and marked in answer_text  # the quoted sentence, highlighted in its passage
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-chat-desktop.png"), full_page=True)
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert complaints == []  # nothing the content security policy refused, nothing else broken
    page.close()


def test_the_page_fits_a_phone_and_shows_errors(browser: object, live_server: str) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 740}, is_mobile=True)  # type: ignore[attr-defined]
    page.goto(live_server + "/")
    answer = ask(page, "Which constituencies had the smallest majorities in 2019?", 0)
    assert answer.locator("table.rows tbody tr").count() == 9
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
    page.fill("#question", "x" * 2000 + "y")  # the box stops at the limit...
    assert len(page.input_value("#question")) == 2000
    page.evaluate("document.getElementById('question').removeAttribute('maxlength')")
    page.fill("#question", "x" * 2001)  # ...and the server says so when it is bypassed
    page.press("#question", "Enter")
    error = page.locator("#messages .message.error")
    error.wait_for(timeout=30_000)
    assert "limit is 2,000" in error.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-chat-phone.png"), full_page=True)
    page.close()

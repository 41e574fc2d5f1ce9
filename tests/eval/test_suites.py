"""The evaluation suites, run against the real data: `make test` fails below the agreed accuracy."""

from __future__ import annotations

from pathlib import Path

from bot.ask import Bot
from bot.evaluate import load_suite, render_markdown, run_suite

SUITES = Path(__file__).parent
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_factual_suite_is_at_least_95_percent_right(bot: Bot) -> None:
    cases = load_suite(SUITES / "factual.yaml")
    assert len(cases) >= 200
    report = run_suite(cases, lambda text, _session: bot.answer(text), name="factual")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "factual-report.md").write_text(render_markdown(report), encoding="utf-8")
    failures = [f"{o.case.id}: {'; '.join(o.reasons)}" for o in report.outcomes if not o.passed]
    assert report.accuracy >= 0.95, "\n".join(failures)

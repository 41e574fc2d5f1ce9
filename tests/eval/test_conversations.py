"""The conversation suite over the real data: follow-ups resolved against the turn before, in sessions."""

from __future__ import annotations

from pathlib import Path

from bot.ask import Bot, ask_in_sessions
from bot.evaluate import load_suite, run_suite
from tests.eval.test_suites import assert_only_known_failures

SUITE = Path(__file__).parent / "conversations.yaml"


def test_conversation_suite_is_at_least_90_percent_right(coverage_bot: Bot) -> None:
    report = run_suite(load_suite(SUITE), ask_in_sessions(coverage_bot), name="conversations.yaml")
    assert len(report.outcomes) >= 30 and all(len(o.case.turns) >= 1 for o in report.outcomes)
    failures = "\n".join(f"{o.case.id}: {o.case.turns} -> {'; '.join(o.reasons)}"
                         for o in report.outcomes if not o.passed)
    assert report.accuracy >= 0.90, failures
    assert_only_known_failures(report, "conversations.yaml")

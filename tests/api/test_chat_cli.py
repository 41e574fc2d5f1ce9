"""`hustings ask --session` and `hustings chat` as a user runs them, over the project's own sample."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.api.test_cli import HUSTINGS, hustings

pytestmark = pytest.mark.model


def test_ask_continues_a_conversation_by_its_session(sample_dir: Path) -> None:
    first = hustings("ask", "--json", "How many seats did Labour win in Hull in 2018?", data_dir=sample_dir)
    assert first.returncode == 0, first.stderr
    session = json.loads(first.stdout)["session_id"]
    second = hustings("ask", "--json", "--session", session, "And the Lib Dems?", data_dir=sample_dir)
    body = json.loads(second.stdout)
    assert body["session_id"] == session and body["rows"][0]["seats_won"] == 24


def test_chat_answers_at_a_prompt_with_sources_under_each_answer(sample_dir: Path) -> None:
    import subprocess

    typed = "Who controls Trafford after 2018?\nWhy?\n/new\nWhy?\n/quit\n"
    result = subprocess.run([str(HUSTINGS), "chat", "--data-dir", str(sample_dir)], input=typed,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "no party had overall control of Trafford" in out
    assert "[1] Trafford slips into no overall control" in out and "route passages" in out
    assert "new conversation" in out and "Why what?" in out  # /new forgot the conversation

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


def test_ask_prints_the_rows_as_a_table_with_their_dataset_and_what_it_read(sample_dir: Path) -> None:
    result = hustings("ask", "How many seats did Labour win in Hull in 2018?", data_dir=sample_dir, columns=200)
    assert result.returncode == 0, result.stderr
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert lines[0].startswith("Labour won 31 of the 57 seats contested in Kingston upon Hull")
    assert {"party             Labour", "seats won         31", "seats contested   57"} <= set(lines)
    assert "rows from councils-leap.csv" in lines
    leap = "Andrew Teale, LEAP: Local Elections Archive Project"
    assert f"from {leap} · CC BY-SA 3.0 · https://www.andrewteale.me.uk/leap/" in lines
    assert "read as: seats won · Labour · Kingston upon Hull · 2018 local" in lines
    assert "SELECT" in result.stdout and "continue it with --session" in result.stderr


def test_ask_names_each_citations_outlet_and_date_and_json_keeps_the_contract(sample_dir: Path) -> None:
    question = "Why did Trafford slip into no overall control in 2018?"
    result = hustings("ask", question, data_dir=sample_dir, columns=200)
    assert result.returncode == 0, result.stderr
    assert ("[1] Trafford slips into no overall control as Labour edges ahead of the Conservatives · hustings sample · "
            "4 May 2018 · article 2018-trafford-tories-lose-majority, characters ") in result.stdout
    body = json.loads(hustings("ask", "--json", question, data_dir=sample_dir).stdout)
    assert set(body) >= {"session_id", "answer", "route", "outcome", "understood", "confidence", "citations", "sql",
                         "rows", "datasets", "timings_ms"}
    assert body["citations"][0]["source"] == "hustings sample" and body["citations"][0]["url"] is None


def test_chat_answers_at_a_prompt_with_sources_under_each_answer(sample_dir: Path) -> None:
    import subprocess

    typed = "Who controls Trafford after 2018?\nWhy?\n/new\nWhy?\n/quit\n"
    result = subprocess.run([str(HUSTINGS), "chat", "--data-dir", str(sample_dir)], input=typed,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "no party had overall control of Trafford" in out
    assert "[1] Trafford slips into no overall control" in out and "route passages" in out
    assert " · hustings sample · 4 May 2018 · " in out  # the outlet and date, as `hustings ask` prints them
    assert "read as: control · Trafford · 2018 local" in out and "rows from councils-hoc-council-composition.csv" in out
    assert "new conversation" in out and "Why what?" in out  # /new forgot the conversation

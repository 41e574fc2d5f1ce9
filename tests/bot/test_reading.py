"""How questions are read: the table in readings.yaml, over the project's own sample."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.ask import Bot
from bot.cues import Cues
from bot.registry import registry
from bot.results import intent_for
from bot.understand import Question, understand

ROWS: list[dict[str, Any]] = yaml.safe_load((Path(__file__).with_name("readings.yaml")).read_text(encoding="utf-8"))
CUES = [f.name for f in fields(Cues) if f.type in (bool, "bool")]
SHAPES = ("yes_no", "wants_list", "ranking", "latest")
KEYS = {"q", "measure", "parties", "places", "years", "kind", "ambiguous", "cues", "has", "limit", "shape",
        "direction", "region", "council_type", "intent", "known"}


def reading(question: Question) -> dict[str, Any]:
    """The parts of a reading the table states."""
    return {
        "measure": question.measure, "parties": list(question.parties), "places": [p.name for p in question.places],
        "years": list(question.years), "kind": question.kind, "ambiguous": [a.mention for a in question.ambiguous],
        "cues": [name for name in CUES if getattr(question.cues, name)], "limit": question.cues.how_many,
        "shape": [name for name in SHAPES if getattr(question, name)], "direction": question.direction,
        "region": question.region, "council_type": question.council_type, "intent": _intent(question),
    }


def _intent(question: Question) -> str | None:
    """The registry intent that would answer the reading (a question that narrows a list aside)."""
    found = intent_for(question)
    return found.name if found else None


def test_the_table_is_well_formed() -> None:
    assert len({row["q"] for row in ROWS}) == len(ROWS)
    for row in ROWS:
        assert set(row) <= KEYS, row
        assert set(row.get("cues", [])) | set(row.get("has", [])) <= set(CUES), row
        assert set(row.get("shape", [])) <= set(SHAPES), row
        assert row.get("intent") is None or row["intent"] in {i.name for i in registry().intents}, row


@pytest.mark.parametrize("row", ROWS, ids=[row["q"][:60] for row in ROWS])
def test_a_question_is_read_as_the_table_says(row: dict[str, Any], sample_bot: Bot) -> None:
    got = reading(understand(row["q"], sample_bot.gazetteer))
    expected = {**row, "cues": sorted(row["cues"])} if "cues" in row else row
    got["cues"] = sorted(got["cues"])
    wrong = {k: (v, got[k]) for k, v in expected.items() if k not in ("q", "known", "has") and got[k] != v}
    if set(row.get("has", [])) - set(got["cues"]):
        wrong["has"] = (row["has"], got["cues"])
    if "known" in row:
        assert wrong, f"read right now, so move it out of `known`: {row['q']}"
    else:
        assert not wrong, f"{row['q']}: (expected, read) {wrong}"

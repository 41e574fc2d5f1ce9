"""The reading grammar of `reading.yaml` compiled once: election kinds, answer shapes, and the ordered
measure rules, each a pattern over the normalised question."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from bot.grammar import anchored, compile_template

READING_FILE = "reading.yaml"


@dataclass(frozen=True, slots=True)
class MeasureRule:
    """One entry of the measures list: the wording that says this measure, and when it does not."""

    measure: str
    says: re.Pattern[str]
    unless: re.Pattern[str] | None = None
    kind: str | None = None  # only for this kind of election
    not_with_party: bool = False


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Compiled kinds, shapes and measure rules."""

    kinds: dict[str, re.Pattern[str]]
    shapes: dict[str, re.Pattern[str]]
    measures: tuple[MeasureRule, ...]
    at_general: dict[str, str]
    words: dict[str, frozenset[str]]

    def measure(self, norm: str, kind: str | None, names_party: bool) -> str | None:
        """The first measure whose rule fits the normalised question (as a general election has it)."""
        for rule in self.measures:
            if rule.kind not in (None, kind) or rule.not_with_party and names_party:
                continue
            if rule.says.search(norm) and not (rule.unless and rule.unless.search(norm)):
                return self.at_general.get(rule.measure, rule.measure) if kind == "general" else rule.measure
        return None


@cache
def lexicon() -> Lexicon:
    """The reading grammar, compiled once."""
    data = yaml.load(resources.files("bot").joinpath(READING_FILE).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    lists, patterns = data.get("lists", {}), data.get("patterns", {})

    def compiled(templates: list[str], at: str = "anywhere") -> re.Pattern[str]:
        return anchored("(?:" + "|".join(f"(?:{compile_template(t, lists, patterns)})" for t in templates) + ")", at)

    def rule(entry: dict[str, Any]) -> MeasureRule:
        return MeasureRule(entry["measure"], compiled(entry["say"]),
                           compiled(entry["unless"]) if entry.get("unless") else None,
                           entry.get("kind"), bool(entry.get("not_with_party")))

    return Lexicon(
        kinds={kind: compiled(templates) for kind, templates in data["kinds"].items()},
        shapes={name: compiled(shape["say"], shape.get("at", "anywhere")) for name, shape in data["shapes"].items()},
        measures=tuple(rule(entry) for entry in data["measures"]),
        at_general=dict(data.get("at_general", {})),
        words={name: frozenset(str(w) for w in words) for name, words in data["words"].items()},
    )

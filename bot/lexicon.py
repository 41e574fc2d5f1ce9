"""The reading grammar of `reading.yaml` compiled once: election kinds, answer shapes, the ordered measure
rules (each a pattern over the normalised question), word lists, and the words each measure is spoken of in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from bot.grammar import GrammarError, load_grammar

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
class Renamed:
    """A party that changed its name (and code): the name it stood under depends on the election's date."""

    was: str
    now: str
    on: date
    say: str

    def at(self, code: str, day: date) -> str:
        """The code the party asked about as `code` stood under on `day`."""
        if code in (self.was, self.now):
            return self.was if day < self.on else self.now
        return code


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Compiled kinds, shapes and measure rules."""

    kinds: dict[str, re.Pattern[str]]
    shapes: dict[str, re.Pattern[str]]
    measures: tuple[MeasureRule, ...]
    at_general: dict[str, str]
    measure_kinds: dict[str, str]
    measure_names: dict[str, str]  # each measure, as the "read as" line names it
    words: dict[str, frozenset[str]]
    measure_words: dict[str, re.Pattern[str]]  # words a sentence uses to speak of each measure
    council_types: dict[str, tuple[re.Pattern[str], str]]  # a type of council: its wording, its name in a sentence
    nation_scopes: dict[str, re.Pattern[str]]  # a nation, as its adjective names it in a scope ("Welsh seats")
    ordinals: dict[str, int]  # "third" -> 3, "last" -> 0: a place in the order of votes
    details_of_one: frozenset[str]  # measures of one place, person or ward
    renamed_parties: tuple[Renamed, ...]

    def nation_scope(self, norm: str) -> tuple[str, str] | None:
        """The nation whose adjective scopes the normalised question ("welsh seats"), and the adjective."""
        for nation, says in self.nation_scopes.items():
            if found := says.search(norm):
                return nation, found.group(0).rsplit(" ", 1)[0]
        return None

    def council_type(self, norm: str) -> tuple[str, set[str], int] | None:
        """The type of council the normalised question names, the words that name it, and the index of the
        first of them among the question's words."""
        for kind, (says, _) in self.council_types.items():
            if found := says.search(norm):
                return kind, set(found.group(0).split()), len(norm[: found.start()].split())
        return None

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
    grammar = load_grammar(READING_FILE)
    data, compiled = grammar.data, grammar.phrases

    def rule(entry: dict[str, Any]) -> MeasureRule:
        return MeasureRule(entry["measure"], compiled(entry["say"]),
                           compiled(entry["unless"]) if entry.get("unless") else None,
                           entry.get("kind"), bool(entry.get("not_with_party")))

    named = set(data["measure_names"])
    unnamed = {e["measure"] for e in data["measures"]} - named
    if unnamed:
        raise GrammarError(f"{READING_FILE}: measures {sorted(unnamed)} are not in measure_names")
    return Lexicon(
        kinds={kind: compiled(templates) for kind, templates in data["kinds"].items()},
        shapes={name: compiled(shape["say"], shape.get("at", "anywhere")) for name, shape in data["shapes"].items()},
        measures=tuple(rule(entry) for entry in data["measures"]),
        at_general=dict(data.get("at_general", {})),
        measure_kinds=dict(data.get("measure_kinds", {})),
        measure_names=dict(data["measure_names"]),
        words={name: frozenset(str(w) for w in words) for name, words in data["words"].items()},
        measure_words={measure: compiled(templates) for measure, templates in data["measure_words"].items()},
        details_of_one=frozenset(data["details_of_one"]),
        renamed_parties=tuple(Renamed(r["was"], r["now"], r["renamed"], r["say"]) for r in data["renamed_parties"]),
        ordinals={str(word): int(n) for word, n in data["ordinals"].items()},
        nation_scopes={nation: compiled(templates) for nation, templates in data["nation_scopes"].items()},
        council_types={kind: (compiled(entry["say"]), str(entry["name"]))
                       for kind, entry in data["council_types"].items()},
    )

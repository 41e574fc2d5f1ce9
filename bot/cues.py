"""The cues in a question's wording (asks why, attributed to the coverage, during the count, the follow-up
form), read once from the phrases in `cues.yaml` into a record every later stage reads."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import cache
from importlib import resources

import yaml

from bot.grammar import GrammarError, anchored, compile_template

CUES_FILE = "cues.yaml"


@dataclass(frozen=True, slots=True)
class Cues:
    """What the wording says: each field is one entry of cues.yaml."""

    asks_why: bool = False
    asks_how: bool = False
    why_alone: bool = False
    explains_too: bool = False
    attributed: bool = False
    during_count: bool = False
    points_at_coverage: bool = False
    sourced: bool = False
    opener: bool = False
    among: bool = False
    pronoun: bool = False
    they: bool = False
    asks_gains: bool = False
    asks_change: bool = False
    smallest: bool = False
    asks_one: bool = False
    asks_who: bool = False
    explains: bool = False
    asks_figure: bool = False
    wants_number: bool = False
    wants_name: bool = False
    wants_time: bool = False
    starts_when: bool = False
    forecast: bool = False
    opinion: bool = False
    explain_at: int | None = None  # where "…and why" begins: the figure is asked for before it
    limit: int | None = None  # "top 3": 3 (at most 50)

    @property
    def how_many(self) -> int | None:
        """How many a list should hold, if the wording says: "top 3" -> 3, "Which seat had…" -> 1."""
        return self.limit or (1 if self.asks_one else None)

    @property
    def wants(self) -> str | None:
        """The kind of answer wanted: a number, a name, a time (the first that applies), or None."""
        if self.wants_number:
            return "number"
        if self.wants_name:
            return "name"
        return "time" if self.starts_when or self.wants_time else None


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """Each cue's templates compiled into one pattern, once."""
    data = yaml.load(resources.files("bot").joinpath(CUES_FILE).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    lists, patterns = data.get("lists", {}), data.get("patterns", {})
    wanted = {f.name for f in fields(Cues)} - {"explain_at"}  # "limit" is a cue whose number is kept
    if set(data["cues"]) != wanted:
        raise GrammarError(f"{CUES_FILE} must define exactly the cues {sorted(wanted)}, got {sorted(data['cues'])}")
    compiled = {}
    for name, cue in data["cues"].items():
        source = "|".join(f"(?:{compile_template(t, lists, patterns)})" for t in cue["say"])
        compiled[name] = anchored(f"(?:{source})", cue["at"])
    return compiled


def read_cues(text: str) -> Cues:
    """The cues of a question's text."""
    found = {name: pattern.search(text) for name, pattern in _patterns().items()}
    explain, limit = found["explains_too"], found.pop("limit")
    return Cues(**{name: match is not None for name, match in found.items()},
                explain_at=explain.start() if explain else None,
                limit=max(1, min(50, int(limit.group("count")))) if limit else None)

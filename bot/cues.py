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
    explain_at: int | None = None  # where "…and why" begins: the figure is asked for before it


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """Each cue's templates compiled into one pattern, once."""
    data = yaml.load(resources.files("bot").joinpath(CUES_FILE).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    lists, patterns = data.get("lists", {}), data.get("patterns", {})
    wanted = {f.name for f in fields(Cues)} - {"explain_at"}
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
    explain = found["explains_too"]
    return Cues(**{name: match is not None for name, match in found.items()},
                explain_at=explain.start() if explain else None)

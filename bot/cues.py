"""The cues in a question's wording (asks why, attributed to the coverage, during the count, the follow-up
form), read once from the phrases in `cues.yaml` into a record every later stage reads, with the question's
words as the rest of the bot uses them: its words, its stems, its capitalised names, the titles it names.
This and the reading modules are the only code that reads a question's text."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import cache

from bot.grammar import GrammarError, load_grammar
from bot.terms import WORD, stems_of

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
    no_overall_control: bool = False
    asks_one: bool = False
    asks_the_one: bool = False
    overall_majority: bool = False
    names_wards: bool = False
    across_wards: bool = False
    every_party: bool = False
    names_councillors: bool = False
    names_by_election: bool = False
    asks_roster: bool = False
    asks_who: bool = False
    explains: bool = False
    asks_figure: bool = False
    wants_number: bool = False
    wants_name: bool = False
    wants_time: bool = False
    starts_when: bool = False
    forecast: bool = False
    opinion: bool = False
    source_clause: bool = False
    context_clause: bool = False
    titled: bool = False
    explain_at: int | None = None  # where "…and why" begins: the figure is asked for before it
    limit: int | None = None  # "top 3": 3 (at most 50)
    # The question's words as the bot uses them, read here once.
    words: frozenset[str] = frozenset()  # lower case
    stems: tuple[str, ...] = ()  # content words, stemmed
    capitalised: frozenset[str] = frozenset()  # words written as names, but the first (lower case)
    outside_clauses: tuple[frozenset[str], ...] = ()  # the stems outside each source or context clause
    titles: tuple[tuple[int, int, frozenset[str]], ...] = ()  # "the … article": start, end, stems of its words

    @property
    def how_many(self) -> int | None:
        """How many a list should hold, if the wording says: "top 3" -> 3, "Which seat had…" -> 1."""
        return self.limit or (1 if self.asks_one or self.asks_the_one else None)

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
    grammar = load_grammar(CUES_FILE)
    cues = grammar.data["cues"]
    # Fields made from the text or from a cue's match rather than one cue each ("limit" is a cue whose
    # number is kept).
    derived = {"explain_at", "words", "stems", "capitalised", "outside_clauses", "titles"}
    wanted = {f.name for f in fields(Cues)} - derived
    if set(cues) != wanted:
        raise GrammarError(f"{CUES_FILE} must define exactly the cues {sorted(wanted)}, got {sorted(cues)}")
    return {name: grammar.phrases(cue["say"], cue["at"]) for name, cue in cues.items()}


CAPITALISED = re.compile(r"(?<!^)\b[A-Z][A-Za-z]+")
CLAUSE_ENDS = ",;?"


def _number(phrase: str) -> int:
    """The number a phrase such as "top 5" or "the five smallest" says (figures, or cues.yaml's number words)."""
    words = load_grammar(CUES_FILE).data["numbers"]
    return next(int(w) if w.isdigit() else int(words[w]) for w in phrase.lower().split() if w.isdigit() or w in words)


def read_cues(text: str) -> Cues:
    """The cues of a question's text."""
    patterns = _patterns()
    found = {name: pattern.search(text) for name, pattern in patterns.items()}
    explain, limit = found["explains_too"], found.pop("limit")
    outside = []
    for clause in (found["source_clause"], found["context_clause"]):
        if clause is not None:
            ends = [i for i in (text.find(c, clause.end()) for c in CLAUSE_ENDS) if i >= 0]
            outside.append(frozenset(stems_of(text[: clause.start()] + " " + text[min(ends, default=len(text)):])))
    return Cues(**{name: match is not None for name, match in found.items()},
                explain_at=explain.start() if explain else None,
                limit=max(1, min(50, _number(limit.group(0)))) if limit else None,
                words=frozenset(WORD.findall(text.lower())), stems=tuple(stems_of(text)),
                capitalised=frozenset(w.lower() for w in CAPITALISED.findall(text)),
                outside_clauses=tuple(outside),
                titles=tuple((m.start(), m.end(), frozenset(stems_of(m.group("words"))))
                             for m in patterns["titled"].finditer(text)))

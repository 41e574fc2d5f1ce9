"""The answer record every interface formats: text, route, outcome, what was understood, citations, SQL, rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from bot.charts import Chart
from bot.gazetteer import Place
from corpus.results.records import Dataset

Route = Literal["sql", "passages", "hybrid", "none"]
# What kind of reply it is: a figure from the results, a quote from the coverage, both, no data for that
# year or place, a clarifying question, a question not understood (saying what was read), or a refusal.
Outcome = Literal["figure", "quote", "both", "no_data", "clarify", "not_understood", "refused"]


@dataclass(frozen=True, slots=True)
class Citation:
    """A numbered pointer to the exact characters of an article that an answer quotes."""

    n: int
    article_id: str
    title: str
    published: date | None
    passage_id: str
    start: int
    end: int
    text: str
    score: float
    quoted: tuple[str, ...] = ()  # the sentences of the passage the answer quotes
    source: str | None = None  # the outlet
    url: str | None = None  # the article's address, where the coverage gives one


@dataclass(frozen=True, slots=True)
class Keys:
    """What a results answer was about, in codes, for the turn after it: the registry intent that answered,
    the parties its first row names (who won, who controls) and the places its rows list."""

    intent: str
    parties: tuple[str, ...] = ()
    listed: tuple[Place, ...] = ()


@dataclass(frozen=True, slots=True)
class Answer:
    """What the bot says to one question, and everything needed to check it."""

    text: str
    route: Route
    confidence: float
    citations: tuple[Citation, ...] = ()
    sql: str | None = None
    rows: tuple[dict[str, Any], ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)
    outcome: Outcome = field(kw_only=True)  # said by whoever makes the answer: never inferred from empty fields
    understood: str = field(default="", kw_only=True)  # what the question was read as, in a short line
    keys: Keys | None = field(default=None, kw_only=True)  # a results answer's codes; not part of the contract
    datasets: tuple[Dataset, ...] = field(default=(), kw_only=True)  # where a figure's rows come from
    charts: tuple[Chart, ...] = field(default=(), kw_only=True)  # what its rows can be drawn as

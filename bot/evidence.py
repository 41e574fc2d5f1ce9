"""What the results and the coverage hold for one question, each looked up once and only when a plan asks,
and the one place where a route's answer is composed from them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import duckdb
import numpy as np

from bot.answer import Answer, Route
from bot.gazetteer import Gazetteer
from bot.passages import answer_from_passages
from bot.results import answer_from_results
from bot.routes import THRESHOLDS as T
from bot.terms import term_coverage
from bot.titles import TitleIndex
from bot.understand import Question, understand
from corpus.results.names import normalise_name
from index.hybrid import PassageIndex


@dataclass(slots=True)
class Evidence:
    """One question's lookups: the results' answer and the coverage's best quote, each made at most once."""

    question: Question
    connection: duckdb.DuckDBPyConnection
    gazetteer: Gazetteer
    index: PassageIndex | None = None
    titles: TitleIndex | None = None
    _looked: dict[str, Answer | None] = field(default_factory=dict)
    _vector: np.ndarray | None = None

    @property
    def vector(self) -> np.ndarray:
        """The question's embedding (for the router and the coverage search)."""
        if self._vector is None:
            assert self.index is not None
            self._vector = self.index.embedder.embed([self.question.text])[0]
        return self._vector

    def figure(self) -> Answer | None:
        """The results' answer. A question that asks for a figure and then why ("How many seats did the Lib Dems
        gain in 2018, and what did that mean for Vince Cable?") asks for the figure before the "and"."""
        if "figure" not in self._looked:
            found = answer_from_results(self.question, self.connection, self.gazetteer)
            split = self.question.cues.explain_at
            if (found is None or found.sql is None) and split:
                first = understand(self.question.text[:split], self.gazetteer)
                before = answer_from_results(first, self.connection, self.gazetteer) if first.measure else None
                found = before if before is not None and before.sql is not None else found
            self._looked["figure"] = found
        return self._looked["figure"]

    def quote(self, at_least: float) -> Answer | None:
        """The coverage's answer, if at least this confident."""
        if "quote" not in self._looked:
            assert self.index is not None
            self._looked["quote"] = answer_from_passages(self.question, self.index, self.gazetteer, self.vector,
                                                         self.titles)
        found = self._looked["quote"]
        return found if found is not None and found.confidence >= at_least else None

    def explanation(self) -> Answer:
        """For "Why?": a quote about the place and the year the last answer was about; one about another place,
        or another year, explains nothing."""
        found = self.quote(T.quote_at)
        if found is not None and self.speaks_of_places(found) and self._about_the_years(found):
            return found
        return Answer(f"I have no coverage that explains that. (I looked for: {self.question.text})", "none", 0.0,
                      outcome="no_data")

    def doubted_quote(self, explained: bool) -> Answer | None:
        """When the router leans to refusing: a strong match that speaks of most of what was asked ("When did
        the Titanic sink?" finds nothing about ships), or one that names exactly who or what was asked about."""
        found = self.quote(T.cued_quote if explained else T.strong_quote)
        if found is not None and term_coverage(self.question.cues.stems, cited_text(found)) < T.half_the_terms:
            found = None
        if found is None and self._names_found(self.quote(T.quote_at)):
            found = self.quote(T.quote_at)
        return found

    def compose(self, route: Route, pointed: bool) -> Answer | None:
        """The answer of a route: the results' figure, the coverage's quote, or both, each falling back to the
        other before giving up. `pointed`: the question points at the coverage ("the … article")."""
        figure = self.figure() if route != "passages" else None
        if route == "sql" and figure is not None and not self.outside_results:
            return figure
        coverage = self.quote(T.loose_quote if route == "hybrid" or pointed else T.quote_at)
        if figure is not None and figure.sql is None and self.outside_results:
            # The results have no such year or place: the coverage may (an MP's majority in 2001), but only a
            # quote about the year asked stands in for the figure; one about another year is merely near.
            stand_in = self.quote(T.strong_quote)
            return stand_in if stand_in is not None and self._about_the_years(stand_in) else figure
        if route == "hybrid" and coverage is not None and not self.speaks_of_places(coverage):
            coverage = None  # a loose quote about another place explains nothing about this one
        if route == "hybrid" and figure is not None and coverage is not None:
            return Answer(f"{figure.text}\n\n{coverage.text}", "hybrid", min(figure.confidence, coverage.confidence),
                          citations=coverage.citations, sql=figure.sql, rows=figure.rows, outcome="both",
                          keys=figure.keys, datasets=figure.datasets)
        if route == "hybrid" and figure is not None and figure.sql is not None:
            # Both sources were asked and the coverage had nothing on it: give the figure and say so, rather
            # than drop the second half of the question without a word.
            return replace(figure, text=f"{figure.text} {self._coverage_gap()}", route="hybrid")
        if coverage is not None:
            return coverage
        if figure is None and route == "passages" and self.question.measure is not None and self.question.places:
            return self.figure()
        return figure

    @property
    def outside_results(self) -> bool:
        """The question names a year or a place the results do not have."""
        years = {e.day.year for e in self.gazetteer.elections}
        return self.question.unknown_place is not None or any(y not in years for y in self.question.years)

    def speaks_of_places(self, coverage: Answer) -> bool:
        """The passages cited name a place the question asks about (by any of its names), or it asks about none."""
        if not self.question.places:
            return True
        cited = f" {normalise_name(cited_text(coverage))} "
        return any(f" {alias} " in cited for place in self.question.places
                   for alias in self.gazetteer.aliases_of(place))

    def _names_found(self, answer: Answer | None) -> bool:
        """Every such name, and most of the question's terms, appear in the passages the answer cites."""
        names = self.question.outside_names
        cited = cited_text(answer) if answer else ""
        words = f" {normalise_name(cited)} "
        named = bool(names) and all(f" {normalise_name(n)} " in words for n in names)
        return named and term_coverage(self.question.cues.stems, cited) >= T.most_of_the_terms

    def _about_the_years(self, coverage: Answer) -> bool:
        """Every year the question names is the date of, or is written in, a passage the answer cites."""
        cited = cited_text(coverage)
        dated = {c.published.year for c in coverage.citations if c.published}
        return all(year in dated or str(year) in cited for year in self.question.years)

    def _coverage_gap(self) -> str:
        """What a figure-and-why answer says when the coverage has nothing to add."""
        places = self.question.places
        about = f" about {' or '.join(p.name for p in places)}" if places else ""
        return f"The coverage I have says nothing{about} that answers the rest of the question."


def cited_text(answer: Answer) -> str:
    """The passages an answer quotes from, whole: the context its sentences were chosen in."""
    return " ".join(c.text for c in answer.citations)

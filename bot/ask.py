"""The one entry point every interface calls: a question in, an `Answer` out."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np

from bot.among import answer_among
from bot.answer import Answer
from bot.conversation import Conversation, FollowUp, resolve, turn_for, unclear
from bot.factual import answer_with_sql
from bot.figure_questions import (
    asks_plain_figure,
    cannot_read,
    facts_not_forecasts,
    forecast_measure,
    quote_holds_figure,
)
from bot.gazetteer import Gazetteer
from bot.passages import answer_from_passages
from bot.router import RouteDecision, Router, features, load_labelled_questions, train_router
from bot.terms import term_coverage
from bot.text import check_question
from bot.titles import TitleIndex
from bot.understand import Question, understand
from bot.understood import describe_reading
from corpus.results.names import normalise_name
from corpus.store import Store
from index.embed import TextEmbedder
from index.hybrid import PassageIndex

REFUSE_AT = 0.5  # P(none) at or above which the bot declines (the cross-validated peak: make bench-router)...
SURE_REFUSAL = 0.9  # ...and above which it does not even look in the coverage
QUOTE_AT = 0.4  # the least passage confidence worth quoting (below it: "I don't know")
CUED_QUOTE = 0.5  # "according to the coverage…": worth answering from it even when the router doubts
HYBRID_QUOTE_AT = 0.25  # beside a figure from the results, a looser quote still helps explain it
HALF_THE_TERMS = 0.5
MOST_OF_THE_TERMS = 0.6
STRONG_QUOTE = 0.6  # confidence at which a quote outweighs the router's doubt or the results' silence
# Nationalities and the nations themselves are where, not who: "Welsh seats" is no person the results lack.
NATIONS = set("""england english wales welsh scotland scottish britain british uk ireland irish northern european
    europe america american france french germany german""".split())


class Bot:
    """The loaded store, names, coverage index and router; open once, answer many times."""

    def __init__(
        self, store: Store, gazetteer: Gazetteer, index: PassageIndex | None = None, router: Router | None = None
    ) -> None:
        self.store = store
        self.gazetteer = gazetteer
        self.index = index
        self.router = router
        self.titles = TitleIndex(index.store.article_titles()) if index is not None else None

    @classmethod
    def open(cls, data_dir: Path, embedder: TextEmbedder | None = None) -> Bot:
        """Open the store read-only and load its names; given an embedder, its coverage index and the router."""
        store = Store.open(data_dir, read_only=True)
        if embedder is None:
            return cls(store, Gazetteer.load(store))
        index = None
        if store.coverage_counts()["passages"]:
            store.close()  # the index opens the store itself, read-only, and shares it
            index = PassageIndex.open(data_dir, embedder)
            store = index.store
        gazetteer = Gazetteer.load(store)
        router = train_router(load_labelled_questions(), partial(understand, gazetteer=gazetteer), embedder, data_dir)
        return cls(store, gazetteer, index, router)

    def close(self) -> None:
        """Release the store."""
        self.store.close()

    def answer(self, question: str, conversation: Conversation | None = None) -> Answer:
        """Answer one question, reading it as a follow-up to the conversation's last turn where it is one.

        Args:
            question: what the person typed; it is only ever matched, embedded and bound, never run.
            conversation: the session's turns so far; the new turn is added to it. None: a one-off question.

        Returns:
            An Answer from the results (route "sql"), the coverage ("passages"), both ("hybrid"), or an
            honest refusal that says what the bot covers ("none"); a follow-up with nothing to follow asks
            what is meant.

        Raises:
            BadQuestion: for an empty, oversized or binary question.
        """
        started = time.perf_counter()
        text = check_question(question)
        followed = resolve(understand(text, self.gazetteer), conversation.last if conversation else None,
                           self.gazetteer)
        answer = self._answer(followed) or self._refusal()
        if conversation is not None:
            conversation.add(turn_for(text, followed, answer, self.gazetteer))
        asks_why = followed.kind == "why" or followed.question.cues.asks_why
        return replace(answer, understood=describe_reading(followed.question, self.gazetteer, asks_why),
                       timings_ms={**answer.timings_ms, "total": (time.perf_counter() - started) * 1000})

    def _answer(self, followed: FollowUp) -> Answer | None:
        """Answer a question as resolved against the conversation."""
        question, previous = followed.question, followed.previous
        if followed.kind == "unclear":
            return unclear(question, self.gazetteer)
        if followed.kind == "among" and previous is not None:
            return answer_among(question, previous.listed, self.store.connection, self.gazetteer) or Answer(
                "I can narrow a list of places by who won or controls them, for example \"Which of those did "
                "Labour win?\"", "none", 0.0, outcome="not_understood")
        cues = question.cues
        if cues.opinion or (cues.forecast and not (cues.attributed or cues.points_at_coverage or cues.sourced)):
            return self._facts_not_forecasts(question)
        if followed.kind == "same" and previous is not None and previous.route == "sql" and question.measure:
            # "And the Conservatives?" after a figure: the same figure for them, straight from the results.
            factual = answer_with_sql(question, self.store.connection, self.gazetteer)
            if factual is not None:
                return factual
        if self.router is None or self.index is None:
            return answer_with_sql(question, self.store.connection, self.gazetteer)
        vector = self.index.embedder.embed([question.text])[0]
        if followed.kind == "why":
            # "Why?" asks about the place the last answer was about: a quote about another place explains nothing.
            found = answer_from_passages(question, self.index, self.gazetteer, vector, self.titles)
            explains = found is not None and found.confidence >= QUOTE_AT and self._speaks_of_places(question, found)
            return found if explains else Answer(
                f"I have no coverage that explains that. (I looked for: {question.text})", "none", 0.0,
                outcome="no_data")
        answer = self._follow(self.router.decide(features(question, vector)), question, vector)
        # A figure asked for plainly, of places and parties only (a person named is the coverage's to speak of),
        # that the results did not give: a quote that is only near is no answer.
        plain = asks_plain_figure(question) and not _names_outside_results(question)
        if plain and (answer is None or answer.outcome == "quote"
                      and not quote_holds_figure(question, answer, self.gazetteer)):
            return cannot_read(question, self.gazetteer, self._covers())
        return answer

    def _facts_not_forecasts(self, question: Question) -> Answer:
        """A forecast gets the latest result for what it asks about (a place, or a party's national total);
        voting advice, a plain refusal."""
        latest = None
        if (question.places or question.ambiguous or question.parties) and not question.cues.opinion:
            measure = question.measure or (forecast_measure(question.places[0]) if question.places else "seats_won")
            latest = answer_with_sql(replace(question, years=(), latest=True, measure=measure),
                                     self.store.connection, self.gazetteer)
        return facts_not_forecasts(question, latest, self._covers())

    def _follow(self, decision: RouteDecision, question: Question, vector: np.ndarray) -> Answer | None:
        """Answer by the route chosen, falling back to the other source before giving up."""
        found: dict[str, Answer | None] = {}

        def quote(at_least: float) -> Answer | None:
            """The coverage's answer (searched once per question) if at least this confident."""
            if "coverage" not in found:
                assert self.index is not None
                found["coverage"] = answer_from_passages(question, self.index, self.gazetteer, vector, self.titles)
            answer = found["coverage"]
            return answer if answer is not None and answer.confidence >= at_least else None

        def facts() -> Answer | None:
            """The results' answer (queried once per question)."""
            if "facts" not in found:
                factual = answer_with_sql(question, self.store.connection, self.gazetteer)
                split = question.cues.explain_at
                if (factual is None or factual.sql is None) and split:
                    # "How many seats did the Lib Dems gain in 2018, and what did that mean for Vince Cable?":
                    # the figure is asked for before the "and why"; the rest is for the coverage.
                    first = understand(question.text[:split], self.gazetteer)
                    figure = answer_with_sql(first, self.store.connection, self.gazetteer) if first.measure else None
                    factual = figure if figure is not None and figure.sql is not None else factual
                found["facts"] = factual
            return found["facts"]

        chances = decision.probabilities
        route = decision.route
        cues = question.cues
        why = cues.asks_why
        cued = cues.explains_too or cues.attributed or cues.during_count
        explained = why or cued or _names_outside_results(question)
        if route != "sql" and not explained and question.measure is not None:
            # A figure asked for plainly ("What was Labour's seat tally in Wigan?"): the results answer it.
            factual = facts()
            if factual is not None and (factual.sql is not None or not self._outside_results(question)):
                return factual
        if route == "none":
            if chances["none"] >= SURE_REFUSAL and not explained:
                return None
            # Unsure it is out of scope: answer only if the coverage holds a strong match that speaks
            # of most of what was asked ("When did the Titanic sink?" finds nothing about ships).
            coverage = quote(CUED_QUOTE if explained else STRONG_QUOTE)
            if coverage is not None and term_coverage(question.cues.stems, _cited_text(coverage)) < HALF_THE_TERMS:
                coverage = None
            if coverage is None and _names_found(question, quote(QUOTE_AT)):
                coverage = quote(QUOTE_AT)  # the passages name exactly who or what was asked about
            if coverage is not None or chances["none"] >= REFUSE_AT:
                return coverage
            route = max(("sql", "passages", "hybrid"), key=lambda r: chances[r])
        if route in ("sql", "hybrid") and why:
            route = "passages"  # "Why did…" asks for reasons, which only the coverage gives
        elif route in ("sql", "hybrid") and cues.sourced and not cues.explains_too:
            route = "passages"  # "How many…, according to the opinion piece?": the article's figure
        elif route == "sql" and cued:
            route = "hybrid"  # "according to the article", "…and why": the coverage must speak too
        elif route == "passages" and cues.explains_too and question.measure is not None:
            route = "hybrid"  # "…the seat total for 2019, and explain why": a figure and its reasons
        factual = facts() if route != "passages" else None
        if route == "sql" and factual is not None and not self._outside_results(question):
            return factual
        pointed = route == "passages" and cues.points_at_coverage
        coverage = quote(HYBRID_QUOTE_AT if route == "hybrid" or pointed else QUOTE_AT)
        if factual is not None and factual.sql is None and self._outside_results(question):
            # The results have no such year or place: the coverage may (an MP's majority in 2001), but only a
            # quote about the year asked stands in for the figure; one about another year is merely near.
            stand_in = quote(STRONG_QUOTE)
            return stand_in if stand_in is not None and _about_the_years(question, stand_in) else factual
        if route == "hybrid" and coverage is not None and not self._speaks_of_places(question, coverage):
            coverage = None  # a loose quote about another place explains nothing about this one
        if route == "hybrid" and factual is not None and coverage is not None:
            return Answer(f"{factual.text}\n\n{coverage.text}", "hybrid", min(factual.confidence, coverage.confidence),
                          citations=coverage.citations, sql=factual.sql, rows=factual.rows, outcome="both")
        if route == "hybrid" and factual is not None and factual.sql is not None:
            # Both sources were asked and the coverage had nothing on it: give the figure and say so, rather
            # than drop the second half of the question without a word.
            return replace(factual, text=f"{factual.text} {_coverage_gap(question)}", route="hybrid")
        if coverage is not None:
            return coverage
        if factual is None and route == "passages" and question.measure is not None and question.places:
            return facts()
        return factual

    def _speaks_of_places(self, question: Question, coverage: Answer) -> bool:
        """The passages cited name a place the question asks about (by any of its names), or it asks about none."""
        if not question.places:
            return True
        cited = f" {normalise_name(_cited_text(coverage))} "
        return any(f" {alias} " in cited for place in question.places for alias in self.gazetteer.aliases_of(place))

    def _outside_results(self, question: Question) -> bool:
        """The question names a year or a place the results do not have."""
        years = {e.day.year for e in self.gazetteer.elections}
        return question.unknown_place is not None or any(y not in years for y in question.years)

    def _refusal(self) -> Answer:
        return Answer(f"I can't answer that from what I have. {self._covers()}", "none", 0.0, outcome="refused")

    def _covers(self) -> str:
        """What the bot covers, in a sentence for its refusals."""
        years = ", ".join(f"{e.day.year} ({e.kind})" for e in self.gazetteer.elections)
        articles = self.store.coverage_counts()["articles"]
        return (f"I cover official results for the elections of {years or 'none yet'} (seats won and held, council "
                f"control, constituency winners, majorities, turnout and votes) and {articles} articles of election "
                "coverage I can quote from.")


def _outside_names(question: Question) -> set[str]:
    """Capitalised words that are neither a place nor a party ("John Curtice", "ITV")."""
    return set(question.cues.capitalised & set(question.unmatched)) - NATIONS


def _names_outside_results(question: Question) -> bool:
    """The question is about people or things the results know nothing of."""
    return bool(_outside_names(question))


def _coverage_gap(question: Question) -> str:
    """What a figure-and-why answer says when the coverage has nothing to add."""
    about = f" about {' or '.join(p.name for p in question.places)}" if question.places else ""
    return f"The coverage I have says nothing{about} that answers the rest of the question."


def _about_the_years(question: Question, coverage: Answer) -> bool:
    """Every year the question names is the date of, or is written in, a passage the answer cites."""
    cited = _cited_text(coverage)
    dated = {c.published.year for c in coverage.citations if c.published}
    return all(year in dated or str(year) in cited for year in question.years)


def _cited_text(answer: Answer) -> str:
    """The passages an answer quotes from, whole: the context its sentences were chosen in."""
    return " ".join(c.text for c in answer.citations)


def _names_found(question: Question, answer: Answer | None) -> bool:
    """Every such name, and most of the question's terms, appear in the passages the answer cites."""
    names = _outside_names(question)
    cited = _cited_text(answer) if answer else ""
    words = f" {normalise_name(cited)} "
    named = bool(names) and all(f" {normalise_name(n)} " in words for n in names)
    return named and term_coverage(question.cues.stems, cited) >= MOST_OF_THE_TERMS


def ask_in_sessions(bot: Bot) -> Callable[[str, str], Answer]:
    """An ask function for the evaluation runner: each session id keeps its own conversation."""
    conversations: dict[str, Conversation] = {}

    def ask(question: str, session_id: str) -> Answer:
        return bot.answer(question, conversations.setdefault(session_id, Conversation(session_id)))

    return ask

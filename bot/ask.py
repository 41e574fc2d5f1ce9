"""The one entry point every interface calls: a question in, an `Answer` out."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

from bot.answer import Answer
from bot.conversation import Conversation, FollowUp, resolve, turn_for, unclear
from bot.evidence import Evidence
from bot.examples import Example, example_questions
from bot.figure_questions import (
    asks_plain_figure,
    cannot_read,
    facts_not_forecasts,
    forecast_measure,
    quote_holds_figure,
)
from bot.gazetteer import Gazetteer
from bot.results import answer_from_results, answerable
from bot.router import ROUTES, Router, features, load_labelled_questions, train_router
from bot.routes import THRESHOLDS as T
from bot.routes import Plan, Signals, decide
from bot.text import check_question
from bot.titles import TitleIndex
from bot.understand import Question, understand
from bot.understood import describe_reading
from corpus.store import Store
from index.embed import TextEmbedder
from index.hybrid import PassageIndex

# Plans whose answer a plain figure question holds to account: a near quote, or nothing, is no answer to it.
ROUTED: set[Plan] = {"figure_first", "refuse", "unsure", "sql", "passages", "hybrid"}
NARROWS = ("I can narrow a list of places by who won or controls them, for example \"Which of those did Labour "
           "win?\"")


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
        self._examples: list[Example] | None = None

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

    def examples(self) -> list[Example]:
        """Questions to offer a new reader (bot/examples.py), made once for the store this bot has open."""
        if self._examples is None:
            self._examples = example_questions(self.store.connection, self.answer)
        return self._examples

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
        """Follow the routing table's plan for the question as resolved against the conversation."""
        question, previous = followed.question, followed.previous
        found = Evidence(question, self.store.connection, self.gazetteer, self.index, self.titles)
        signals = _signals(followed, coverage=self.router is not None and self.index is not None)
        while True:
            _, plan = decide(signals)
            if plan == "route":  # the learned router is asked only here, when the conversation has not decided
                assert self.router is not None
                decision = self.router.decide(features(question, found.vector))
                signals = replace(signals, learned=decision.route, p_none=decision.probabilities["none"],
                                  next_best=max((r for r in ROUTES if r != "none"),
                                                key=lambda r: decision.probabilities[r]))
                continue
            if plan == "clarify":
                return unclear(question, self.gazetteer)
            if plan == "narrow":
                listed = previous.listed if previous else ()
                return answer_from_results(question, self.store.connection, self.gazetteer, listed) or Answer(
                    NARROWS, "none", 0.0, outcome="not_understood")
            if plan == "no_forecasts":
                return self._facts_not_forecasts(question)
            if plan == "explain":
                return found.explanation()
            if plan in ("results", "figure_first"):
                figure = found.figure()
                if figure is not None and (plan == "results" or figure.sql is not None or not found.outside_results):
                    return figure
                if not signals.coverage:
                    return None
                signals = replace(signals, tried_figure=True)
                continue
            answer = None
            if plan == "unsure":
                answer = found.doubted_quote(signals.explained)
                if answer is None and signals.p_none < T.refuse_at:
                    signals = replace(signals, learned=signals.next_best)
                    continue
            elif plan in ("sql", "passages", "hybrid"):
                answer = found.compose(plan, pointed=question.cues.points_at_coverage)
            return self._held_to_account(question, found, answer)

    def _held_to_account(self, question: Question, found: Evidence, answer: Answer | None) -> Answer | None:
        """A figure asked for plainly, of places and parties only (a person named is the coverage's to speak of),
        that the results did not give: a quote that is only near is no answer, so say what was understood."""
        plain = asks_plain_figure(question) and not question.outside_names
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
            latest = answer_from_results(replace(question, years=(), latest=True, measure=measure),
                                     self.store.connection, self.gazetteer)
        return facts_not_forecasts(question, latest, self._covers())

    def _refusal(self) -> Answer:
        return Answer(f"I can't answer that from what I have. {self._covers()}", "none", 0.0, outcome="refused")

    def _covers(self) -> str:
        """What the bot covers, in a sentence for its refusals."""
        years = ", ".join(f"{e.day.year} ({e.kind})" for e in self.gazetteer.elections)
        articles = self.store.coverage_counts()["articles"]
        return (f"I cover official results for the elections of {years or 'none yet'} (seats won and held, council "
                f"control, constituency winners, majorities, turnout and votes) and {articles} articles of election "
                "coverage I can quote from.")


def _signals(followed: FollowUp, coverage: bool) -> Signals:
    """What the routing table reads of a question resolved against the conversation (the router's lean is
    added when the table asks for it)."""
    question, cues = followed.question, followed.question.cues
    cued = cues.explains_too or cues.attributed or cues.during_count
    return Signals(
        follow=followed.kind, after_figure=followed.previous is not None and followed.previous.route == "sql",
        measure=question.measure is not None or answerable(question), why=cues.asks_why, sourced=cues.sourced,
        explains_too=cues.explains_too, cued=cued, explained=cues.asks_why or cued or bool(question.outside_names),
        accounts=cues.explains or cues.asks_how,
        forecast=cues.forecast and not (cues.attributed or cues.points_at_coverage or cues.sourced),
        opinion=cues.opinion, coverage=coverage,
    )


def ask_in_sessions(bot: Bot) -> Callable[[str, str], Answer]:
    """An ask function for the evaluation runner: each session id keeps its own conversation."""
    conversations: dict[str, Conversation] = {}

    def ask(question: str, session_id: str) -> Answer:
        return bot.answer(question, conversations.setdefault(session_id, Conversation(session_id)))

    return ask

"""The one entry point every interface calls: a question in, an `Answer` out."""

from __future__ import annotations

import time
from pathlib import Path

from bot.answer import Answer
from bot.factual import answer_with_sql
from bot.gazetteer import Gazetteer
from bot.understand import understand
from corpus.store import Store

MAX_QUESTION_CHARS = 2000


class BadQuestion(ValueError):
    """The question is empty, too long or not text."""


class Bot:
    """The loaded store and names; open once, answer many times."""

    def __init__(self, store: Store, gazetteer: Gazetteer) -> None:
        self.store = store
        self.gazetteer = gazetteer

    @classmethod
    def open(cls, data_dir: Path) -> Bot:
        """Open the store in `data_dir` read-only and load its names."""
        store = Store.open(data_dir, read_only=True)
        return cls(store, Gazetteer.load(store))

    def close(self) -> None:
        """Release the store."""
        self.store.close()

    def answer(self, question: str) -> Answer:
        """Answer one question.

        Args:
            question: what the person typed; it is only ever matched and bound, never run.

        Returns:
            An Answer: from the results (route "sql") or an honest "I can't answer that" (route "none").

        Raises:
            BadQuestion: for an empty, oversized or binary question.
        """
        started = time.perf_counter()
        text = check_question(question)
        understood = understand(text, self.gazetteer)
        found = answer_with_sql(understood, self.store.connection, self.gazetteer)
        answer = found or self._refusal()
        return _timed(answer, started)

    def _refusal(self) -> Answer:
        years = ", ".join(f"{e.day.year} ({e.kind})" for e in self.gazetteer.elections)
        text = (
            "I can't answer that from the results I have. I cover official results for the elections of "
            f"{years}: seats won, seats held, control of councils, and constituency winners, majorities, "
            "turnout and votes."
        )
        return Answer(text, "none", 0.0)


def check_question(question: object) -> str:
    """The question as clean text, or BadQuestion saying what is wrong with it."""
    if not isinstance(question, str):
        raise BadQuestion(f"a question must be text, got {type(question).__name__}")
    if "\x00" in question or sum(not (c.isprintable() or c.isspace()) for c in question) > 2:
        raise BadQuestion("the question contains binary data; send plain text")
    text = " ".join(question.split())
    if not text:
        raise BadQuestion("the question is empty")
    if len(text) > MAX_QUESTION_CHARS:
        raise BadQuestion(f"the question is {len(text)} characters; the limit is {MAX_QUESTION_CHARS}")
    return text


def _timed(answer: Answer, started: float) -> Answer:
    from dataclasses import replace

    return replace(answer, timings_ms={**answer.timings_ms, "total": (time.perf_counter() - started) * 1000})

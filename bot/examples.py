"""Questions to offer a reader who has not asked anything yet, made from what the loaded store holds and kept
only when the bot answers them as they mean (a figure from the results, a quote from the coverage)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from bot.answer import Answer, Outcome
from bot.registry import everyday
from bot.sql import run_query

MOST = 4


@dataclass(frozen=True, slots=True)
class Example:
    """A question the store can answer, and what kind of answer it gets."""

    question: str
    answers_from: str  # "results" or "coverage", as the page labels it


def example_questions(connection: duckdb.DuckDBPyConnection, answer: Callable[[str], Answer]) -> list[Example]:
    """Up to four questions about a council, a constituency and the coverage that `answer` answers well."""
    candidates: list[tuple[str, frozenset[Outcome]]] = []
    figure: frozenset[Outcome] = frozenset({"figure"})
    quoted: frozenset[Outcome] = frozenset({"quote", "both"})
    for row in run_query(connection, "example_council").rows:
        candidates += [(f"Who controls {row['council']}?", figure),
                       (f"What was the make-up of {row['council']} council after {row['date'][:4]}?", figure)]
    for row in run_query(connection, "example_constituency").rows:
        candidates.append((f"Who won {row['constituency']} in {row['date'][:4]}?", figure))
    for row in run_query(connection, "example_control_change").rows:
        candidates.append((f"Why did {everyday(row['party'])} take control of {row['council']} in "
                           f"{row['date'][:4]}?", quoted))
    examples: list[Example] = []
    for question, wanted in candidates:
        if len(examples) == MOST or (wanted is quoted and any(e.answers_from == "coverage" for e in examples)):
            continue
        if answer(question).outcome in wanted:
            examples.append(Example(question, "coverage" if wanted is quoted else "results"))
    return examples

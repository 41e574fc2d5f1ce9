"""What every results answer shares: the context it runs in and the phrases it is written with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb

from bot.answer import Answer
from bot.gazetteer import Election, Gazetteer, Place
from bot.sql import QueryResult, run_template
from bot.understand import Question

SURE = 0.95
DEFAULTED = 0.85  # no year given: the latest election with results was assumed, and said
# Seats gained or lost (cues.yaml, asks_gains): news counts gains against the last time those seats were
# fought, a figure none of the results files holds (their net change is composition against composition:
# defections, by-elections and new boundaries included).
GAINS_NOT_COUNTED = ("My results count seats won and seats held, not seats gained or lost against the last time "
                     "those seats were fought.")


@dataclass(frozen=True, slots=True)
class Context:
    """What one answer needs: the question, the connection and the names."""

    question: Question
    connection: duckdb.DuckDBPyConnection
    gazetteer: Gazetteer

    def run(self, template: str, **params: Any) -> QueryResult:
        """Run a template on the read-only connection."""
        return run_template(self.connection, template, **params)

    def party(self, code: str) -> str:
        """A party as a sentence names it: "the Conservatives", "Labour"."""
        return everyday(self.gazetteer.party_name(code))


# How a sentence names the parties whose canonical names read oddly in running text.
EVERYDAY = {
    "Conservative": "the Conservatives", "Liberal Democrats": "the Liberal Democrats", "Green Party": "the Greens",
    "Brexit Party": "the Brexit Party", "Scottish National Party": "the SNP", "UK Independence Party": "UKIP",
    "Independent": "independents", "Others": "others", "Speaker": "the Speaker",
}


def everyday(name: str) -> str:
    """The running-text name of a party given its canonical name."""
    return EVERYDAY.get(name, name)


Handler = Callable[[Context, Place, Election, str | None], Answer | None]


def no_candidates(
    context: Context, place: Place, election: Election, party: str | None, result: QueryResult
) -> Answer:
    name = context.party(party) if party else "That party"
    text = f"{name} had no candidates in {place.name} on {day(election)}, so won no seats there."
    return Answer(text, "sql", SURE, sql=result.sql, outcome="figure")


def not_listed(context: Context, place: Place, election: Election, party: str, result: QueryResult) -> Answer:
    text = (
        f"The council composition for {place.name} after {day(election)} does not list {context.party(party)} "
        "separately (the source groups smaller parties and independents as 'Others')."
    )
    return Answer(text, "sql", SURE, sql=result.sql, outcome="no_data")


def answer_from(context: Context, text: str, result: QueryResult) -> Answer:
    confidence = SURE if context.question.years or context.question.latest else DEFAULTED
    return Answer(capitalised(text), "sql", confidence, sql=result.sql, rows=tuple(result.rows), outcome="figure")


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def day(election: Election) -> str:
    return f"{election.day.day} {election.day:%B %Y}"


def source(row: dict[str, Any], sentence: bool = False) -> str:
    source = row.get("source_file")
    if not source:
        return ""
    return f" Source: {source}." if sentence else f" (source: {source})"


def elections_of_kind(context: Context, kind: str) -> tuple[list[Election], Answer | None]:
    question = context.question
    have = context.gazetteer.elections_of(kind)
    if not have:
        return [], Answer(f"I have no {kind} election results.", "sql", SURE, outcome="no_data")
    if question.years:
        chosen = [e for e in have if e.day.year in question.years]
        if not chosen:
            years = " and ".join(str(e.day.year) for e in have)
            asked = " or ".join(str(y) for y in question.years)
            return [], Answer(f"I have {kind} election results for {years}, not {asked}.", "sql", SURE,
                              outcome="no_data")
        return chosen, None
    return [have[-1]], None


def asks_for_gains(question: Question) -> bool:
    """The question asks how many seats a party gained or lost, which the results do not count as such."""
    return question.cues.asks_gains


def list_size(question: Question, default: int = 10) -> int:
    """"Top 3 …" -> 3; a question that asks for one ("Which seat had…") -> 1."""
    return question.cues.how_many or default

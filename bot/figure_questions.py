"""Questions that ask for a figure: answered from the results, or told plainly that the results cannot say.

A quote stands in for a figure only when the passage it comes from holds a figure of the kind asked and
names the place or party asked about, in the year asked: a passage that is merely near answers nothing.
Forecasts and voting advice get the facts the results hold, said as facts, and a plain word that the bot
does not forecast or advise.
"""

from __future__ import annotations

from dataclasses import replace

from bot.answer import Answer
from bot.gazetteer import Gazetteer, Place
from bot.lexicon import lexicon
from bot.terms import fits_answer_type
from bot.understand import Measure, Question
from bot.understood import describe_reading
from corpus.results.names import normalise_name

NO_FORECASTS = "I don't forecast elections"
NO_ADVICE = "I don't give opinions or say whom to vote for"


def asks_plain_figure(question: Question) -> bool:
    """The question asks for a measure the results hold, with nothing that asks for an account of it."""
    cues = question.cues
    accounted = (cues.asks_why or cues.asks_how or cues.explains_too or cues.attributed or cues.sourced
                 or cues.points_at_coverage or cues.during_count)
    return question.measure is not None and not accounted


def quote_holds_figure(question: Question, coverage: Answer, gazetteer: Gazetteer) -> bool:
    """Some sentence the answer quotes speaks of the measure asked and holds a figure of the kind asked, in a
    passage that names a place or party asked about and the year asked (or in an article of that year; for
    an undated article, a year written in any passage the answer cites)."""
    asked = set(normalise_name(question.text).split())
    wants = question.cues.wants or "number"
    names = [_names(place, gazetteer) for place in question.places]
    names += [{normalise_name(a) for a, code in gazetteer.party_aliases.items() if code == party}
              for party in question.parties]
    everything = " ".join(c.text for c in coverage.citations)
    for citation in coverage.citations:
        passage = f" {normalise_name(citation.text)} "
        dated = {citation.published.year} if citation.published else set()
        context = citation.text if citation.published else everything
        about = ((not names or any(f" {n} " in passage for aliases in names for n in aliases))
                 and all(year in dated or str(year) in context for year in question.years))
        if about and any(_speaks_of(question, s) and fits_answer_type(s, wants, asked) for s in citation.quoted):
            return True
    return False


def cannot_read(question: Question, gazetteer: Gazetteer, covers: str) -> Answer:
    """'I read this as …; I can't answer that from the results', with what the bot does cover."""
    said = describe_reading(question, gazetteer)
    return Answer(f"I read this as: {said}. I can't answer that from the results I hold. {covers}", "none", 0.0,
                  outcome="not_understood")


def facts_not_forecasts(question: Question, latest: Answer | None, covers: str) -> Answer:
    """The latest result the results hold for what a forecast asks about, said as fact, or a plain refusal."""
    said = NO_ADVICE if question.cues.opinion else NO_FORECASTS
    if latest is not None and latest.outcome in ("figure", "clarify"):
        if latest.outcome == "clarify":
            return latest
        return replace(latest, text=f"{latest.text} {said}: that is the latest result I hold.")
    return Answer(f"{said}. {covers}", "none", 0.0, outcome="refused")


def forecast_measure(place: Place) -> Measure:
    """What a forecast about a place is asking about: who wins a constituency, who controls a council."""
    return "winner" if place.kind == "constituency" else "control"


def _speaks_of(question: Question, sentence: str) -> bool:
    """The sentence uses a word of the measure asked about."""
    pattern = lexicon().measure_words.get(question.measure or "")
    return pattern is None or pattern.search(sentence) is not None


def _names(place: Place, gazetteer: Gazetteer) -> set[str]:
    return {normalise_name(a) for a in gazetteer.aliases_of(place)} | {normalise_name(place.name)}

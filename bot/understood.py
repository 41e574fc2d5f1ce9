"""The short line saying what a question was read as ("seats won · Labour · Kingston upon Hull · 2018 local"),
shown beside every answer so that a misread question, or a follow-up read the wrong way, is seen at once."""

from __future__ import annotations

from bot.gazetteer import Gazetteer
from bot.lexicon import lexicon
from bot.understand import Question

DIRECTIONS = {"gain": "gains", "loss": "losses"}
NOTHING = "no party, place, year or measure I know"


def describe_reading(question: Question, gazetteer: Gazetteer, asks_why: bool = False) -> str:
    """What was asked, of whom, where and when, as one line of parts joined by " · "."""
    what = [lexicon().measure_names[question.measure]] if question.measure else []
    what += [DIRECTIONS[question.direction]] if question.direction else []
    what += ["a list"] if question.wants_list else []
    what += ["councillors by name"] if question.cues.asks_roster else []
    what += ["a ranking"] if question.ranking else []
    what += ["yes or no"] if question.yes_no and question.measure else []
    what += ["smallest first"] if question.cues.smallest and (question.ranking or question.cues.how_many) else []
    what += [f"top {question.cues.limit}"] if question.cues.limit else []
    what = (["why"] if asks_why else []) + what
    what += ["a forecast"] if question.cues.forecast else []
    what += ["advice on voting"] if question.cues.opinion else []
    who = [gazetteer.party_name(code) for code in question.parties]
    who += [question.person.name] if question.person else []
    where = [f"{question.ward.name} ward"] if question.ward else []
    where += [place.name for place in question.places]
    where += [f"{'/'.join(o.name for o in a.options[:3])}?" for a in question.ambiguous]
    where += [question.region] if question.region else []
    where += [lexicon().council_types[question.council_type][1]] if question.council_type else []
    where += [f'"{question.unknown_place}" (a place I do not know)'] if question.unknown_place else []
    when = " and ".join(str(year) for year in question.years)
    when = when or ("the latest" if question.latest else "")
    when = f"{when} {question.kind}".strip() if question.kind and (when or question.measure) else when
    parts = [*what, *who, *where, *([when] if when else [])]
    if not (who or where or question.years or question.measure):
        parts.append(NOTHING)
    return " · ".join(parts)

"""The SQL answerer: an understood question -> parameterised queries -> sentences that say what figures mean."""

from __future__ import annotations

import duckdb

from bot.answer import Answer, Outcome
from bot.constituencies import CONSTITUENCY, majority_ranking, national_seats
from bot.councils import COUNCIL, control_changes, councils_controlled, held_ranking, local_total, ranking
from bot.gazetteer import Election, Gazetteer, Place
from bot.phrasing import SURE, Context, Handler, elections_of_kind, everyday
from bot.understand import Question


def answer_with_sql(question: Question, connection: duckdb.DuckDBPyConnection, gazetteer: Gazetteer) -> Answer | None:
    """Answer from the results, or None when the question is not one the results schema answers."""
    context = Context(question, connection, gazetteer)
    if question.ambiguous:
        return _clarify(question)
    kind = question.kind or _kind_of_measure(question)
    if question.measure is None and not (question.places and question.years):
        return None
    if question.measure is None and question.cues.asks_who and all(p.kind == "council" for p in question.places):
        return None  # "Who is the Labour leader in Hull…?": the results name no council's people
    if question.unknown_place and not question.places:
        return Answer(f"I have no results for a place called \"{question.unknown_place}\". Ask about a council "
                      "or constituency by name, for example Barnet, Hull or Hartlepool.", "sql", 0.6, outcome="no_data")
    if question.places:
        place = question.places[0]
        elections, note = _elections_for_place(context, place, kind)
        if note:
            return note
        handler = (COUNCIL if place.kind == "council" else CONSTITUENCY).get(question.measure or "full_result")
        if handler is None:
            return None
        return _combine(context, handler, place, elections)
    return _without_place(context, kind)


def _combine(
    context: Context, handler: Handler, place: Place, elections: list[Election]
) -> Answer | None:
    """One answer per (party, election) asked about, joined: comparisons come out as two sentences."""
    parties: list[str | None] = list(context.question.parties) or [None]
    answers = [handler(context, place, election, party) for election in elections for party in parties]
    found = [a for a in answers if a is not None]
    if not found:
        return None
    if len(found) == 1:
        return found[0]
    text = " ".join(a.text for a in found)
    verdict = _verdict(context, found)
    sql = "\n;\n".join(dict.fromkeys(a.sql for a in found if a.sql))
    rows = tuple(r for a in found for r in a.rows)
    return Answer(f"{text} {verdict}".strip(), "sql", min(a.confidence for a in found), sql=sql, rows=rows,
                  outcome=_joined(found))


def _verdict(context: Context, answers: list[Answer]) -> str:
    """For two parties in one place and year, say which did better on the figure asked."""
    question = context.question
    if len(question.parties) != 2 or len(question.years) > 1:
        return ""
    figure = {"seats_won": "seats_won", "seats_held": "seats_held", "votes": "votes"}.get(question.measure or "")
    if not figure:
        return ""
    values = [(a.rows[0].get(figure), a.rows[0].get("party")) for a in answers if a.rows]
    if len(values) != 2 or any(v is None for v, _ in values):
        return ""
    (a, party_a), (b, party_b) = values
    assert a is not None and b is not None
    if a == b:
        return f"They were level on {a}."
    return f"{everyday(str(party_a if a > b else party_b))} had more."



def _without_place(context: Context, kind: str | None) -> Answer | None:
    question = context.question
    if question.measure == "control_change":
        return control_changes(context)
    listing = _listing(context, kind)
    if listing is not None:
        return listing
    if not question.parties or question.measure not in {"seats_won", "full_result", "seats_held", None}:
        return None
    if OTHER_BODIES & set(question.unmatched):
        return None  # "MSPs", "the Senedd", "Welsh seats": not a total the results hold
    if len([w for w in question.unmatched if len(w) >= 4 and w not in EXPLAINING]) >= 2:
        return None  # "…had the Lib Dems gained by 9am the morning after": a detail the results lack
    kind = kind or "general"
    elections, note = elections_of_kind(context, kind)
    if note:
        return note
    ranked = question.ranking or question.wants_list
    answers: list[Answer] = []
    for election in elections:
        for party in question.parties:
            if kind == "general":
                found = national_seats(context, election, party)
            elif ranked:
                found = ranking(context, election, party)
            else:
                found = local_total(context, election, party)
            if found:
                answers.append(found)
    if not answers:
        return None
    if len(answers) == 1:
        return answers[0]
    return Answer(" ".join(a.text for a in answers), "sql", min(a.confidence for a in answers),
                  sql="\n;\n".join(a.sql for a in answers if a.sql), rows=tuple(r for a in answers for r in a.rows),
                  outcome=_joined(answers))


EXPLAINING = {"explain", "explains", "reason", "reasons", "because", "meaning", "mean"}
# Bodies, elections and parts of the UK whose totals the results do not hold.
OTHER_BODIES = {"msp", "msps", "ms", "mss", "senedd", "holyrood", "stormont", "assembly", "mayor", "mayoral",
                "european", "mep", "meps", "scottish", "welsh", "irish", "scotland", "wales", "ireland", "us",
                "american", "french", "german", "presidential", "senate", "congress"}


def _listing(context: Context, kind: str | None) -> Answer | None:
    """Lists across places: councils a party controls, councils by seats held, seats by majority."""
    question = context.question
    party = question.parties[0] if question.parties else None
    if question.measure == "majority" and (kind or "general") == "general":
        builder = majority_ranking
    elif question.measure == "control" and (question.wants_list or question.region):
        builder = councils_controlled
    elif question.measure == "seats_held" and (question.ranking or question.wants_list) and party:
        builder = held_ranking
    else:
        return None
    elections, note = elections_of_kind(context, "general" if builder is majority_ranking else "local")
    if note:
        return note
    return builder(context, elections[-1], party)


def _kind_of_measure(question: Question) -> str | None:
    if question.measure in {"winner", "majority", "turnout"}:
        return "general"
    if question.measure in {"control", "control_change", "seats_held", "council_size", "largest_party"}:
        return "local"
    return None


def _elections_for_place(context: Context, place: Place, kind: str | None) -> tuple[list[Election], Answer | None]:
    """The elections asked about that have results for `place`, or a plain answer saying what exists."""
    question = context.question
    have_ids = [r["id"] for r in context.run("elections_with_data", place=place.code).rows]
    have = [e for e in context.gazetteer.elections if e.id in have_ids]
    if not have:
        return [], Answer(f"I have no results for {place.name}.", "sql", SURE, outcome="no_data")
    if question.years:
        chosen = [e for e in have if e.day.year in question.years]
        missing = [y for y in question.years if all(e.day.year != y for e in have)]
        if missing or not chosen:
            years = " and ".join(str(e.day.year) for e in have)
            asked = " or ".join(str(y) for y in missing or question.years)
            kind_word = "council" if place.kind == "council" else "constituency"
            return [], Answer(f"I have results for {place.name} ({kind_word}) in {years}, not {asked}.", "sql", SURE,
                              outcome="no_data")
        return chosen, None
    return [have[-1]], None


def _clarify(question: Question) -> Answer:
    mention = question.ambiguous[0]
    options = [f"{p.name} ({p.kind})" for p in mention.options[:6]]
    listed = ", ".join(options[:-1]) + f" or {options[-1]}" if len(options) > 1 else options[0]
    return Answer(f'"{mention.mention}" could mean {listed}. Which one do you mean?', "sql", 0.5, outcome="clarify")


def _joined(answers: list[Answer]) -> Outcome:
    """Answers given together hold a figure if any of them does."""
    return "figure" if any(a.outcome == "figure" for a in answers) else answers[0].outcome

"""Narrowing a list: "Which of those did Labour win?" over the places the last answer named."""

from __future__ import annotations

import duckdb

from bot.answer import Answer
from bot.gazetteer import Gazetteer, Place
from bot.phrasing import Context, answer_from, day, source
from bot.understand import Question

ASKABLE = {None, "winner", "seats_won", "control", "full_result", "largest_party"}


def answer_among(
    question: Question, places: tuple[Place, ...], connection: duckdb.DuckDBPyConnection, gazetteer: Gazetteer
) -> Answer | None:
    """Which of `places` the party asked about won (constituencies) or controls (councils), from one query.

    Returns None when the question asks something of the list this cannot narrow it by.
    """
    if not places or question.measure not in ASKABLE:
        return None
    context = Context(question, connection, gazetteer)
    kind = places[0].kind
    elections = gazetteer.elections_of("general" if kind == "constituency" else "local")
    chosen = [e for e in elections if not question.years or e.day.year in question.years]
    if not chosen:
        return None
    election = chosen[-1]
    party = question.parties[0] if question.parties else None
    codes = [p.code for p in places if p.kind == kind]
    template, verb, noun, column = (("winners_among", "won", "constituencies", "party") if kind == "constituency"
                                    else ("control_among", "controlled", "councils", "control"))
    result = context.run(template, election=election.id, places=codes, party=party)
    when = f"{'at' if kind == 'constituency' else 'after'} the elections of {day(election)}"
    if party is None:
        listed = "; ".join(f"{r[kind]}: {r[column]}" for r in result.rows)
        text = f"Of those {len(codes)} {noun}, {when}: {listed}"
    elif not result.rows:
        text = f"{context.party(party)} {verb} none of those {len(codes)} {noun} {when}"
    else:
        names = ", ".join(r[kind] for r in result.rows)
        text = f"Of those {len(codes)} {noun}, {context.party(party)} {verb} {len(result.rows)} {when}: {names}"
    return answer_from(context, text + (source(result.rows[0]) if result.rows else "") + ".", result)

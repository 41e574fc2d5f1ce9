"""Answers about general elections: constituency winners, majorities, turnout, votes, national seats."""

from __future__ import annotations

from bot.answer import Answer
from bot.gazetteer import Election, Place
from bot.phrasing import (
    SURE,
    Context,
    Handler,
    answer_from,
    asks_for_gains,
    capitalised,
    day,
    everyday,
    list_size,
    no_candidates,
    source,
)


def _constituency(context: Context, place: Place, election: Election, party: str | None) -> Answer | None:
    result = context.run("constituency", election=election.id, constituency=place.code)
    if not result.rows:
        return None
    row = result.rows[0]
    measure = context.question.measure
    if measure == "majority":
        text = (
            f"{row['winner']} ({row['party']}) won {place.name} on {day(election)} "
            f"with a majority of {row['majority']:,} votes"
        )
    elif measure == "turnout":
        text = (
            f"Turnout in {place.name} on {day(election)} was {row['turnout_percent']}% "
            f"({row['valid_votes']:,} valid votes from an electorate of {row['electorate']:,})"
        )
    else:
        winner = f"{row['winner']} ({row['party']})"
        text = f"{winner} won {place.name} on {day(election)}, a majority of {row['majority']:,}"
        if party and party != row["party_code"]:
            lost = capitalised(f"{context.party(party)} did not win {place.name}")
            text = ("No. " if context.question.yes_no else "") + f"{lost}: {text}"
        elif party and context.question.yes_no:
            text = f"Yes. {text}"
    return answer_from(context, text + source(row) + ".", result)


def _constituency_votes(context: Context, place: Place, election: Election, party: str | None) -> Answer | None:
    result = context.run("constituency_votes", election=election.id, constituency=place.code, party=party)
    if not result.rows:
        return no_candidates(context, place, election, party, result) if party else None
    if party:
        row = result.rows[0]
        text = (
            f"{everyday(row['party'])} won {row['votes']:,} votes in {place.name} on {day(election)}, "
            f"{row['vote_share_percent']}% of the {row['valid_votes']:,} valid votes{source(row)}."
        )
    else:
        listed = ", ".join(f"{r['party']} {r['votes']:,} ({r['vote_share_percent']}%)" for r in result.rows[:6])
        text = f"Votes in {place.name} on {day(election)}: {listed}{source(result.rows[0])}."
    return answer_from(context, text, result)


def _constituency_result(context: Context, place: Place, election: Election, party: str | None) -> Answer | None:
    if party:
        return _constituency_votes(context, place, election, party)
    winner = _constituency(context, place, election, None)
    votes = _constituency_votes(context, place, election, None)
    if winner is None or votes is None:
        return winner or votes
    return Answer(f"{winner.text} {votes.text}", "sql", winner.confidence,
                  sql=f"{winner.sql}\n;\n{votes.sql}", rows=winner.rows + votes.rows, outcome="figure")


def national_seats(context: Context, election: Election, party: str) -> Answer | None:
    result = context.run("national_seats", election=election.id, party=party)
    if not result.rows:
        return Answer(f"{context.party(party)} won no seats at the general election of {day(election)}.", "sql",
                      SURE, sql=result.sql, outcome="figure")
    row = result.rows[0]
    text = (
        f"{everyday(row['party'])} won {row['seats']} of the {row['total_seats']} seats at the general election of "
        f"{day(election)}, with {row['votes']:,} votes{source(row)}."
    )
    earlier = [e for e in context.gazetteer.elections_of("general") if e.day < election.day]
    if asks_for_gains(context.question) and earlier:
        # Between general elections the seats are the same seats, so the difference is the seats gained or lost.
        before = context.run("national_seats", election=earlier[-1].id, party=party)
        if before.rows:
            won = before.rows[0]["seats"]
            text += (f" That is a net change of {row['seats'] - won:+d} on the {won} seats {everyday(row['party'])} "
                     f"won at the general election of {day(earlier[-1])}{source(before.rows[0])}.")
            result = result.then(before)
    elif asks_for_gains(context.question):
        text += " My results hold no earlier general election to count gains or losses against."
    return answer_from(context, text, result)


CONSTITUENCY: dict[str, Handler] = {
    "winner": _constituency, "majority": _constituency, "turnout": _constituency, "seats_won": _constituency,
    "votes": _constituency_votes, "vote_share": _constituency_votes, "full_result": _constituency_result,
    "control": _constituency,
}


def majority_ranking(context: Context, election: Election, party: str | None) -> Answer | None:
    """Constituencies by majority, smallest or largest first, for one party or all."""
    question = context.question
    smallest = question.cues.smallest
    limit = list_size(question)
    result = context.run("majority_ranking", election=election.id, party=party, smallest=smallest, limit=limit)
    if not result.rows:
        return None
    order = "smallest" if smallest else "largest"
    whose = f" won by {context.party(party)}" if party else ""
    listed = "; ".join(f"{r['constituency']} ({r['winner']}, {r['party']}) {r['majority']:,}" for r in result.rows)
    head = (f"The {order} majority{whose} at the general election of {day(election)}" if limit == 1 else
            f"The {len(result.rows)} {order} majorities{whose} at the general election of {day(election)}")
    return answer_from(context, f"{head}: {listed}{source(result.rows[0])}.", result)

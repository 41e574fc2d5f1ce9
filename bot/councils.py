"""Answers about councils: seats won and held, control, largest party, size, votes, rankings and changes."""

from __future__ import annotations

from typing import Any

from bot.answer import Answer
from bot.gazetteer import Election, Place
from bot.phrasing import (
    GAINS_NOT_COUNTED,
    SURE,
    Context,
    Handler,
    answer_from,
    asks_for_gains,
    day,
    elections_of_kind,
    everyday,
    list_size,
    no_candidates,
    not_listed,
    source,
)
from bot.sql import QueryResult


def _seats_won(context: Context, place: Place, election: Election, party: str | None) -> Answer | None:
    if party is None:
        return _council_result(context, place, election, None)
    result = context.run("seats_won", election=election.id, council=place.code, party=party)
    if not result.rows:
        return no_candidates(context, place, election, party, result)
    row = result.rows[0]
    text = (
        f"{everyday(row['party'])} won {row['seats_won']} of the {row['seats_contested']} seats contested in "
        f"{place.name} "
        f"on {day(election)}{source(row)}."
    )
    if asks_for_gains(context.question):
        held = context.run("seats_held", election=election.id, council=place.code, party=party)
        said = None
        if held.rows and held.rows[0]["net_change"] is not None:
            row = held.rows[0]
            said = (f"Afterwards {everyday(row['party'])} held {row['seats_held']} of the {row['total_seats']} seats "
                    f"on the council, a net change of {row['net_change']:+d} on its composition after the previous "
                    f"election{source(row)}.")
        return _with_gains(context, text, result, held, said)
    return answer_from(context, text, result)


def _with_gains(context: Context, text: str, result: QueryResult, change: QueryResult, said: str | None) -> Answer:
    """A seats-won answer to "how many seats did they gain": the net change where the results have it (`said`,
    from `change`), then what the results do not count."""
    if said is not None:
        text, result = f"{text} {said}", result.then(change)
    return answer_from(context, f"{text} {GAINS_NOT_COUNTED}", result)


def _council_result(context: Context, place: Place, election: Election, party: str | None) -> Answer | None:
    if party is not None:
        return _seats_won(context, place, election, party)
    result = context.run("council_result", election=election.id, council=place.code)
    if not result.rows:
        return None
    contested = sum(r["seats_won"] for r in result.rows)
    winners = ", ".join(f"{r['party']} {r['seats_won']}" for r in result.rows if r["seats_won"] > 0)
    text = (
        f"In {place.name} on {day(election)}, {contested} seats were contested: {winners}"
        f"{source(result.rows[0])}."
    )
    control = context.run("control", election=election.id, council=place.code)
    if control.rows:
        text += " " + _control_sentence(place, election, control.rows[0])
        result = result.then(control)
    return answer_from(context, text, result)


def _seats_held(context: Context, place: Place, election: Election, party: str | None) -> Answer | None:
    if party is None:
        result = context.run("composition", election=election.id, council=place.code)
        if not result.rows:
            return None
        held = ", ".join(f"{r['party']} {r['seats_held']}" for r in result.rows)
        text = (
            f"After the election of {day(election)}, the {result.rows[0]['total_seats']} seats on {place.name} "
            f"council were held by: {held}{source(result.rows[0])}."
        )
        return answer_from(context, text, result)
    result = context.run("seats_held", election=election.id, council=place.code, party=party)
    if not result.rows:
        return not_listed(context, place, election, party, result)
    row = result.rows[0]
    change = ""
    if row["net_change"] is not None:
        change = f", a net change of {row['net_change']:+d} on the previous election"
    text = (
        f"After the election of {day(election)}, {everyday(row['party'])} held {row['seats_held']} of the "
        f"{row['total_seats']} seats on {place.name} council{change}{source(row)}."
    )
    return answer_from(context, text, result)


def _control(context: Context, place: Place, election: Election, party: str | None) -> Answer | None:
    result = context.run("control", election=election.id, council=place.code)
    if not result.rows or result.rows[0]["control"] is None:
        return None
    row = result.rows[0]
    text = _control_sentence(place, election, row)
    if context.question.yes_no:
        asked = party or ("NOC" if "overall control" in context.question.text.lower() else None)
        if asked:
            text = ("Yes. " if row["control"] == asked else "No. ") + text
    return answer_from(context, text + source(row, sentence=True), result)


def _control_sentence(place: Place, election: Election, row: dict[str, Any]) -> str:
    if row["control"] == "NOC":
        return f"After the election of {day(election)}, no party had overall control of {place.name}."
    held = f" with {row['seats_held']} of the {row['total_seats']} seats" if row.get("seats_held") else ""
    return f"After the election of {day(election)}, {everyday(row['controlled_by'])} controlled {place.name}{held}."


def _largest_party(context: Context, place: Place, election: Election, party: str | None) -> Answer | None:
    result = context.run("largest_party", election=election.id, council=place.code)
    if not result.rows:
        return None
    first = result.rows[0]
    tie = len(result.rows) > 1 and result.rows[1]["seats_held"] == first["seats_held"]
    if tie:
        text = (
            f"After the election of {day(election)}, {everyday(first['party'])} and "
            f"{everyday(result.rows[1]['party'])} were level "
            f"as the largest parties on {place.name} with {first['seats_held']} seats each"
        )
    else:
        text = (
            # "the largest party … was the Liberal Democrats": the verb agrees with "party", whatever the name
            f"After the election of {day(election)}, the largest party on {place.name} was {everyday(first['party'])}, "
            f"with {first['seats_held']} of the {first['total_seats']} seats"
        )
    if first["control"] == "NOC":
        control = "no party had overall control"
    else:
        control = f"{context.party(first['control'])} had control"
    return answer_from(context, f"{text}; {control}{source(first)}.", result)


def _council_size(context: Context, place: Place, election: Election, party: str | None) -> Answer | None:
    result = context.run("control", election=election.id, council=place.code)
    if not result.rows or result.rows[0]["total_seats"] is None:
        return None
    row = result.rows[0]
    text = f"{place.name} council had {row['total_seats']} seats after the election of {day(election)}{source(row)}."
    return answer_from(context, text, result)


def _council_votes(context: Context, place: Place, election: Election, party: str | None) -> Answer | None:
    result = context.run("council_votes", election=election.id, council=place.code, party=party)
    rows = [r for r in result.rows if r["votes"] is not None]
    if not rows:
        return no_candidates(context, place, election, party, result) if party else None
    if party:
        row = rows[0]
        text = (
            f"{everyday(row['party'])} candidates won {row['votes']:,} votes in {place.name} on {day(election)}, "
            f"{row['vote_share_percent']}% of the votes cast for all candidates{source(row)}."
        )
    else:
        listed = ", ".join(f"{r['party']} {r['votes']:,} ({r['vote_share_percent']}%)" for r in rows[:6])
        text = f"Votes in {place.name} on {day(election)}: {listed}{source(rows[0])}."
    return answer_from(context, text, result)


def local_total(context: Context, election: Election, party: str) -> Answer | None:
    result = context.run("local_total", election=election.id, party=party)
    if not result.rows:
        return Answer(f"{context.party(party)} had no candidates in the local elections of {day(election)} "
                      "in the results I have.", "sql", SURE, sql=result.sql, outcome="figure")
    row = result.rows[0]
    text = (
        f"{everyday(row['party'])} won {row['seats_won']:,} of the {row['seats_contested']:,} seats contested in the "
        f"{row['councils']} councils in my results for the local elections of {day(election)}{source(row)}."
    )
    if asks_for_gains(context.question):
        change = context.run("local_net_change", election=election.id, party=party)
        said = None
        if change.rows:
            row = change.rows[0]
            said = (f"On the {row['councils']} councils whose composition before and after is in my results, "
                    f"{everyday(row['party'])} held {row['seats_held']:,} seats afterwards, a net change of "
                    f"{row['net_change']:+,d} on the composition after the previous election{source(row)}.")
        return _with_gains(context, text, result, change, said)
    return answer_from(context, text, result)


def ranking(context: Context, election: Election, party: str) -> Answer | None:
    question = context.question
    if question.cues.asks_change:
        gain = question.direction != "loss"
        result = context.run("change_ranking", election=election.id, party=party, gain=gain)
        listed = "; ".join(f"{r['council']} {r['net_change']:+d}" for r in result.rows)
        what = "net gains" if gain else "net losses"
        text = (f"Biggest {what} for {context.party(party)} in seats held after {day(election)}, compared with "
                f"after the previous election: {listed}")
    else:
        result = context.run("council_ranking", election=election.id, party=party, region=question.region,
                             limit=list_size(question))
        listed = "; ".join(f"{r['council']} {r['seats_won']}" for r in result.rows)
        text = f"Councils where {context.party(party)} won the most seats on {day(election)}: {listed}"
    if not result.rows:
        return None
    return answer_from(context, text + source(result.rows[0]) + ".", result)


def control_changes(context: Context) -> Answer | None:
    question = context.question
    elections, note = elections_of_kind(context, "local")
    if note:
        return note
    election = elections[-1]
    previous = [e for e in context.gazetteer.elections_of("local") if e.day < election.day]
    if not previous:
        return Answer(f"I have no council control before the elections of {day(election)}, so I cannot say "
                      "which councils changed hands then.", "sql", SURE, outcome="no_data")
    party = question.parties[0] if question.parties else None
    gain = question.direction != "loss"
    result = context.run("control_changes", election=election.id, previous=previous[-1].id, party=party, gain=gain)
    who = context.party(party) if party else None
    if not result.rows:
        verb = "gained" if gain else "lost"
        text = (f"{who} {verb} control of no councils" if who else "No council changed control") + \
            f" at the elections of {day(election)}, compared with {day(previous[-1])}."
        return Answer(text, "sql", SURE, sql=result.sql, outcome="figure")
    listed = "; ".join(f"{r['council']} ({r['control_before']} to {r['control_after']})" for r in result.rows)
    if who:
        verb = "gained control of" if gain else "lost control of"
        head = f"{who} {verb} {len(result.rows)} councils at the elections of {day(election)}"
    else:
        head = f"{len(result.rows)} councils changed control at the elections of {day(election)}"
    text = f"{head} (control after {day(previous[-1])} vs after {day(election)}): {listed}{source(result.rows[0])}."
    return answer_from(context, text, result)


COUNCIL: dict[str, Handler] = {
    "seats_won": _seats_won, "full_result": _council_result, "seats_held": _seats_held, "control": _control,
    "control_change": _control, "largest_party": _largest_party, "council_size": _council_size,
    "votes": _council_votes, "vote_share": _council_votes, "winner": _largest_party,
}


def councils_controlled(context: Context, election: Election, party: str | None) -> Answer | None:
    """The councils a party (or nobody) controlled after an election, in a region if one is named."""
    question = context.question
    control = party or "NOC"
    result = context.run("councils_controlled", election=election.id, control=control, region=question.region)
    where = f" in {question.region}" if question.region else ""
    who = f"{context.party(party)} controlled" if party else "No party had overall control of"
    if not result.rows:
        return answer_from(context, f"{who} no councils{where} in my results after {day(election)}.", result)
    listed = ", ".join(r["council"] for r in result.rows)
    text = f"{who} {len(result.rows)} councils{where} after the elections of {day(election)}: {listed}"
    return answer_from(context, text + source(result.rows[0]) + ".", result)


def held_ranking(context: Context, election: Election, party: str | None) -> Answer | None:
    """Councils ranked by the seats a party held after an election."""
    question = context.question
    if party is None:
        return None
    result = context.run("held_ranking", election=election.id, party=party, region=question.region,
                         limit=list_size(question))
    if not result.rows:
        return None
    listed = "; ".join(f"{r['council']} {r['seats_held']} of {r['total_seats']}" for r in result.rows)
    where = f" in {question.region}" if question.region else ""
    text = f"Councils{where} where {context.party(party)} held the most seats after {day(election)}: {listed}"
    return answer_from(context, text + source(result.rows[0]) + ".", result)


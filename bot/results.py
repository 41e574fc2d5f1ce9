"""The results answerer: a reading -> the registry's intent -> its parameterised queries -> the sentence that
says what the figure means. One path for every intent; what differs between them lives in registry.yaml."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import duckdb

from bot.answer import Answer, Keys, Outcome
from bot.charts import draw_chart
from bot.gazetteer import Election, Gazetteer, Place
from bot.lexicon import lexicon
from bot.registry import Intent, Where, election_kind, everyday, registry, render, source_files
from bot.sql import QueryResult, run_query
from bot.understand import Question
from corpus.results.records import Dataset

SURE = 0.95
DEFAULTED = 0.85  # no year given: the latest election with results was assumed, and said
LIST_SIZE = 10
COMPASS = {"North", "South", "East", "West"}


def answer_from_results(
    question: Question, connection: duckdb.DuckDBPyConnection, gazetteer: Gazetteer, listed: tuple[Place, ...] = ()
) -> Answer | None:
    """Answer from the results, or None when no intent of the registry fits the reading.

    `listed` are the places the last answer listed, for a question that narrows them ("Which of those…").
    """
    if question.ambiguous:
        return _clarify(question, gazetteer)
    if _wheres(question, listed) == ["nowhere"] and question.unknown_place and question.measure is not None:
        return Answer(f"I have no results for a place called \"{question.unknown_place}\". Ask about a council "
                      "or constituency by name, for example Barnet, Hull or Hartlepool.", "sql", 0.6, outcome="no_data")
    intent = intent_for(question, listed)
    passed: set[str] = set()
    while intent is not None and intent.by_year:
        counted = _by_year(intent, question, connection, gazetteer)
        if counted is not None or intent.unrecorded is None:
            return counted
        # The results hold none of what it counts (no roster of that council): the next intent that fits answers.
        passed.add(intent.name)
        intent = intent_for(question, listed, frozenset(passed))
    if intent is None:
        return None
    elections, note = _elections(question, intent, gazetteer, listed)
    if note is not None or not elections:
        return replace(note, keys=Keys(intent.name)) if note is not None else None
    parties: list[str | None] = [None] if intent.party is False or not question.parties else list(question.parties)
    if intent.one_election:
        elections, parties = elections[-1:], parties[:1]
    answers = [_answer(intent, question, connection, gazetteer, e, p, listed) for e in elections for p in parties]
    return _joined(intent, question, [a for a in answers if a is not None], gazetteer)


def answerable(question: Question) -> bool:
    """The registry has an intent for the reading (of the place it names, or of none)."""
    return intent_for(question, ()) is not None


def intent_for(question: Question, listed: tuple[Place, ...] = (), passed: frozenset[str] = frozenset()
               ) -> Intent | None:
    """The intent that answers the reading, after the checks that keep a bare name from being read as a question.
    A candidate's or a ward's question the registry has no intent for is asked of the place named with it
    ("How big was Ian Levy's majority in Blyth Valley?" is Blyth Valley's majority). Intents `passed` are not
    tried (their figures are not in the results)."""
    # "List the Labour councillors in Hull" asks for a roster's people by name (until the rosters are found wanting)
    roster = question.cues.asks_roster and not passed
    for where in _wheres(question, listed):
        if where not in ("listed", "ward", "candidate"):
            if question.measure is None and not (question.places and question.years or question.wants_list or roster):
                return None  # a name alone is no question; a place and a year, or a list asked for, is
            if question.measure is None and question.cues.asks_who and not roster and where == "council":
                return None  # "Who is the Labour leader in Hull…?": the results name no council's leaders
        found = registry().find(question, where, listed[0].kind if listed else None, passed)
        if found is not None:
            return found
    return None


def _wheres(question: Question, listed: tuple[Place, ...]) -> list[Where]:
    """What the question is asked of, most particular first: the listed places, a candidate, a ward, then the
    council or constituency named, or none."""
    if listed:
        return ["listed"]
    wheres: list[Where] = []
    if question.person:
        wheres.append("candidate")
    if question.ward:
        wheres.append("ward")
    if question.places:
        place = question.places[0]
        wheres.append("yearly" if place.code.startswith("yearly:") else
                      "council" if place.kind == "council" else "constituency")
    return wheres or ["nowhere"]


def _answer(
    intent: Intent, question: Question, connection: duckdb.DuckDBPyConnection, gazetteer: Gazetteer,
    election: Election, party: str | None, listed: tuple[Place, ...],
) -> Answer | None:
    """One intent for one election and party: its queries run, its sentence said."""
    renamed = None  # Reform UK asked of 2019 is the Brexit Party, and the answer says so
    for rename in lexicon().renamed_parties:
        if party is not None and (stood := rename.at(party, election.day)) != party:
            party, renamed = stood, rename.say
    place = question.places[0] if question.places and not listed else None
    place = gazetteer.seat_at(place, election) if place is not None else None  # a redrawn seat: the one fought then
    ward = question.ward if intent.where == "ward" else None
    person = question.person if intent.where == "candidate" else None
    before = [e for e in gazetteer.elections_of(election.kind) if e.day < election.day]
    previous = before[-1] if before else None
    values: dict[str, Any] = {
        **_named(gazetteer, party, question.parties[1] if len(question.parties) > 1 else None),
        "place": place.name if place else None, "day": day(election),
        "ward": ward.name if ward else None, "person": person.name if person else None,
        "previous_day": day(previous) if previous else None, "region": question.region, "scope": scope(question),
        "yes_no": question.yes_no, "smallest": question.cues.smallest, "gain": question.direction != "loss",
        "asks_gains": question.cues.asks_gains, "no_overall_control": question.cues.no_overall_control,
        "overall_majority": question.cues.overall_majority,
        "limit": question.cues.how_many or LIST_SIZE, "listed": listed, "position": question.position,
    }
    if intent.previous and previous is None:
        assert intent.no_previous is not None, f"intent {intent.name} needs `no_previous`"
        return Answer(render(intent.no_previous, values), "sql", SURE, outcome="no_data", keys=Keys(intent.name))
    params = {
        "election": election.id, "previous": previous.id if previous else None, "party": party,
        "council": ward.council if ward else place.code if place else None,
        "constituency": place.code if place else None, "place": place.code if place else None,
        "ward_names": gazetteer.printed.get(ward.code, []) if ward else [],
        "names": gazetteer.printed.get(person.code, []) if person else [],
        "other": question.parties[1] if len(question.parties) > 1 else None,
        "region": question.region, "council_type": question.council_type, "limit": values["limit"],
        "position": question.position, "measure": question.measure,
        "smallest": values["smallest"], "gain": values["gain"], "control": party or "NOC",
        "places": [p.code for p in listed],
    }
    first, *others = intent.queries
    result = run_query(connection, first.name.format(kind=election.kind), **params)
    row = result.rows[0] if result.rows else None
    if row is None or any(row.get(column) is None for column in intent.requires):
        empty = _empty(intent, connection, params, values, result)
        return replace(empty, text=f"{empty.text} {renamed}") if empty is not None and renamed else empty
    values.update(rows=result.rows, row=row, also={}, also_rows={})
    for query in others:
        if query.previous and previous is None:
            values["also"][query.key], values["also_rows"][query.key] = None, []
            continue
        run_for = params["previous"] if query.previous else election.id
        more = run_query(connection, query.name.format(kind=election.kind), **{**params, "election": run_for})
        values["also"][query.key] = more.rows[0] if more.rows else None
        values["also_rows"][query.key] = more.rows
        result = result.then(more)
    confidence = SURE if question.years or question.latest else DEFAULTED
    text = _capitalised(render(intent.says, values)) + (f" {renamed}" if renamed else "")
    chart = draw_chart(intent.chart, result.rows, " · ".join(filter(None, [values["place"] or values["scope"],
                                                                           values["day"]])))
    return Answer(text, "sql", confidence, sql=result.sql, rows=tuple(result.rows), outcome="figure",
                  keys=_keys(intent, result, gazetteer), datasets=datasets_of(result.rows, gazetteer),
                  charts=(chart,) if chart else ())


def _by_year(intent: Intent, question: Question, connection: duckdb.DuckDBPyConnection,
             gazetteer: Gazetteer) -> Answer | None:
    """Figures counted by year, not by election: a council known only by yearly snapshots, councillors in Great
    Britain, the councillors of a council or a ward by roster. The years asked, else the latest the query finds
    (it is given no year)."""
    ward = question.ward if intent.where == "ward" else None
    place = gazetteer.councils.get(ward.council) if ward else (
        question.places[0] if intent.where in ("yearly", "council", "constituency") and question.places else None)
    years: list[int | None] = [*question.years] or [None]
    # Two parties are each counted and compared where the intent compares a figure; else the second is `other`
    # ("When did the Conservatives last have more councillors than Labour?").
    paired = intent.compares is None and len(question.parties) > 1
    parties: list[str | None] = [*question.parties[:1 if paired else None]] or [None]
    other = question.parties[1] if paired else None
    answers = []
    for year in years:
        for party in parties:
            params = {"year": year, "authority": place.name if place else None,
                      "council": place.code if place else None, "ward": ward.key if ward else None, "party": party,
                      "other": other, "text": question.text, "constituency": place.code if place else None,
                      "smallest": question.cues.smallest}
            result = run_query(connection, intent.queries[0].name, **params)
            values: dict[str, Any] = {
                **_named(gazetteer, party, other), "place": place.name if place else None,
                "ward": ward.name if ward else None, "day": str(year or ""), "smallest": question.cues.smallest,
                "rows": result.rows, "row": result.rows[0] if result.rows else None, "also": {}, "also_rows": {}}
            if result.rows:
                values["day"] = str(result.rows[0].get("year", year))
                # Counts by year asked of no place are the Commons Library's councillors in Great Britain.
                chart = draw_chart(intent.chart, result.rows, " · ".join(filter(None, [
                    values["place"] or ("Great Britain" if intent.where == "nowhere" else None), values["day"]])))
                answers.append(Answer(_capitalised(render(intent.says, values)), "sql", SURE if year else DEFAULTED,
                                      sql=result.sql, rows=tuple(result.rows), outcome="figure",
                                      keys=Keys(intent.name, tuple(p for p in (party,) if p)),
                                      datasets=datasets_of(result.rows, gazetteer), charts=(chart,) if chart else ()))
                continue
            held = run_query(connection, intent.unrecorded, **params).rows[0] if intent.unrecorded else None
            if held is not None and not held["recorded"]:
                return None  # the results hold no such count at all: not this intent's to answer
            if held is not None and intent.unrecorded_say is not None:
                text = render(intent.unrecorded_say, {**values, "held": held})
            elif intent.empty is not None:
                text = render(intent.empty, values)
            else:
                continue
            answers.append(Answer(_capitalised(text), "sql", SURE, sql=result.sql, outcome="no_data",
                                  keys=Keys(intent.name)))
    return _joined(intent, question, answers, gazetteer)


def _named(gazetteer: Gazetteer, party: str | None, other: str | None) -> dict[str, Any]:
    """What every sentence may name: the party asked and the other one, as running text says them, and the
    datasets its rows credit."""
    return {
        "asked": party, "party": everyday(gazetteer.party_name(party)) if party else None,
        "party_name": gazetteer.party_name(party) if party else None,  # as a noun's adjective: "Conservative MPs"
        "other": everyday(gazetteer.party_name(other)) if other else None, "other_code": other,
        "other_name": gazetteer.party_name(other) if other else None,
        "name_of": lambda code: everyday(gazetteer.party_name(code)),  # a party code, as a sentence names it
        "sources": gazetteer.sources,
    }


def _empty(intent: Intent, connection: duckdb.DuckDBPyConnection, params: dict[str, Any], values: dict[str, Any],
           result: QueryResult) -> Answer | None:
    """What an intent says when its query finds nothing: a fact (a party that stood nowhere), or that the
    results hold nothing of that kind for the place, or no answer at all."""
    held = run_query(connection, intent.unrecorded, **params).rows[0] if intent.unrecorded is not None else None
    if held is not None and not held["recorded"] and "years" in held and not held["years"]:
        return None  # the results hold that figure for no election at all: not this intent's to answer
    if held is not None and not held["recorded"]:
        if intent.unrecorded_say is not None:
            text = render(intent.unrecorded_say, {**values, "held": held})
        else:
            what = "vote counts" if "votes" in str(intent.unrecorded) else "seats won"
            text = f"My results hold no {what} for {values['place']} on {values['day']}, so I cannot say that."
        return Answer(_capitalised(text), "sql", SURE, sql=result.sql, outcome="no_data", keys=Keys(intent.name))
    if intent.empty is None:
        return None
    outcome: Outcome = "no_data" if intent.empty_outcome == "no_data" else "figure"
    return Answer(_capitalised(render(intent.empty, {**values, "rows": [], "row": None, "held": held})), "sql", SURE,
                  sql=result.sql, outcome=outcome, keys=Keys(intent.name))


def _keys(intent: Intent, result: QueryResult, gazetteer: Gazetteer) -> Keys:
    """What the answer is about, in codes: the parties its first row names, the places its rows list."""
    first = result.rows[0] if result.rows else {}
    parties = tuple(code for code in (first.get("party_code"), first.get("control_code", first.get("control")))
                    if code and code in gazetteer.party_names)
    listed: tuple[Place, ...] = ()
    if intent.lists is not None:
        kind = intent.lists
        listed = tuple(dict.fromkeys(Place(kind, row["ons_code"], row[kind])  # type: ignore[arg-type]
                                     for row in result.rows if row.get("ons_code") and row.get(kind)))
    return Keys(intent.name, tuple(dict.fromkeys(parties)), listed if len(listed) > 1 else ())


def _elections(
    question: Question, intent: Intent, gazetteer: Gazetteer, listed: tuple[Place, ...]
) -> tuple[list[Election], Answer | None]:
    """The elections asked about that the results hold for the intent, or a plain answer saying what exists."""
    if listed:
        kind = "general" if listed[0].kind == "constituency" else "local"
        return [e for e in gazetteer.elections_of(kind) if not question.years or e.day.year in question.years], None
    if intent.where in ("candidate", "ward", "council", "constituency"):
        place = {"candidate": question.person, "ward": question.ward}.get(intent.where) or question.places[0]
        have = gazetteer.elections_held_for(place)
        if not have:
            return [], Answer(f"I have no results for {place.name}.", "sql", SURE, outcome="no_data")
        what = f"results for {place.name} ({'a candidate' if place.kind == 'candidate' else place.kind})"
    else:
        kind = election_kind(question)
        have = gazetteer.elections_of(kind)
        if not have:
            return [], Answer(f"I have no {kind} election results.", "sql", SURE, outcome="no_data")
        what = f"{kind} election results"
    if not question.years:
        return [have[-1]], None
    chosen = [e for e in have if e.day.year in question.years]
    missing = [y for y in question.years if all(e.day.year != y for e in have)]
    if missing or not chosen:
        years = " and ".join(str(e.day.year) for e in have)
        asked = " or ".join(str(y) for y in missing or question.years)
        return [], Answer(f"I have {what} in {years}, not {asked}.", "sql", SURE, outcome="no_data")
    return chosen, None


def datasets_of(rows: Any, gazetteer: Gazetteer) -> tuple[Dataset, ...]:
    """The datasets the rows' figures come from, in the order the rows first name them."""
    files = dict.fromkeys(f for row in rows for f in source_files(row, gazetteer.sources))
    return tuple(gazetteer.sources[f].dataset for f in files if f in gazetteer.sources)


def _redrawn(question: Question, gazetteer: Gazetteer) -> bool:
    """The question compares elections of one constituency's name fought on different boundaries."""
    if not question.places or question.places[0].kind != "constituency" or len(question.years) < 2:
        return False
    place = question.places[0]
    return gazetteer.redrawn(place, [e for e in gazetteer.elections_held_for(place) if e.day.year in question.years])


def _joined(intent: Intent, question: Question, answers: list[Answer], gazetteer: Gazetteer) -> Answer | None:
    """One answer per (election, party) asked about, joined: comparisons come out as sentences in turn, and
    two parties in one election are compared on the intent's figure."""
    if len(answers) <= 1:
        return answers[0] if answers else None
    verdict = _verdict(intent, question, answers) if not _redrawn(question, gazetteer) else (
        f"{question.places[0].name} was redrawn between those elections: these are two different seats of one "
        "name, so no change is worked out.")
    keys = [a.keys for a in answers if a.keys is not None]
    return Answer(
        " ".join([*(a.text for a in answers), *([verdict] if verdict else [])]), "sql",
        min(a.confidence for a in answers), sql="\n;\n".join(dict.fromkeys(a.sql for a in answers if a.sql)),
        rows=tuple(r for a in answers for r in a.rows),
        outcome="figure" if any(a.outcome == "figure" for a in answers) else answers[0].outcome,
        keys=Keys(intent.name, tuple(dict.fromkeys(p for k in keys for p in k.parties))),
        datasets=tuple(dict.fromkeys(d for a in answers for d in a.datasets)),
        charts=tuple(c for a in answers for c in a.charts),
    )


def _verdict(intent: Intent, question: Question, answers: list[Answer]) -> str:
    """For two parties in one election, which did better on the figure asked; for one party at two elections,
    the change from the first to the second."""
    if intent.compares is not None and len(question.parties) <= 1 and len(question.years) == 2 and len(answers) == 2:
        return _change(intent, question, answers)
    if intent.compares is None or len(question.parties) != 2 or len(question.years) > 1 or len(answers) != 2:
        return ""
    values = [(a.rows[0].get(intent.compares), a.rows[0].get("party")) for a in answers if a.rows]
    if len(values) != 2 or any(v is None for v, _ in values):
        return ""
    (a, party_a), (b, party_b) = values
    assert a is not None and b is not None
    if a == b:
        return f"They were level on {a}."
    return f"{_capitalised(everyday(str(party_a if a > b else party_b)))} had more."


def _change(intent: Intent, question: Question, answers: list[Answer]) -> str:
    """ "From 2017 to 2019 that is a change of -14.8 percentage points." (The answers come oldest first.)"""
    share = question.measure == "vote_share"
    column = "vote_share_percent" if share else str(intent.compares)
    values = [v for a in answers if a.rows and isinstance(v := a.rows[0].get(column), int | float)]
    if len(values) != 2:
        return ""
    before, after = float(values[0]), float(values[1])
    change = f"{after - before:+.1f}" if share else f"{int(after - before):+,d}"
    unit = "percentage points" if share else {"seats_won": "seats", "seats_held": "seats", "votes": "votes",
                                               "seats": "seats"}.get(column, "")
    first, last = sorted(question.years)
    return " ".join(f"From {first} to {last} that is a change of {change} {unit}".split()) + "."


def _clarify(question: Question, gazetteer: Gazetteer) -> Answer:
    mention = question.ambiguous[0]
    options = [f"{p.name} ward ({gazetteer.councils[p.council].name})" if p.kind == "ward" and p.council in
               gazetteer.councils else f"{p.name} ({p.kind})" for p in mention.options[:6]]
    listed = ", ".join(options[:-1]) + f" or {options[-1]}" if len(options) > 1 else options[0]
    return Answer(f'"{mention.mention}" could mean {listed}. Which one do you mean?', "sql", 0.5, outcome="clarify")


def scope(question: Question) -> str:
    """ "in Scotland", "(metropolitan boroughs only)": the part of the results a question about many asks of
    ("": all)."""
    region = question.region if question.council_type != "London" else None
    # "the North West", "the East Midlands"; "London", "Wales", "Yorkshire and The Humber"
    where = [f"the {region}" if region.split()[0] in COMPASS else region] if region else []
    kind = f"({lexicon().council_types[question.council_type][1]} only)" if question.council_type else ""
    return " ".join(([f"in {where[0]}"] if where else []) + ([kind] if kind else []))


def day(election: Election) -> str:
    """An election's polling day as a sentence says it: "3 May 2018"."""
    return f"{election.day.day} {election.day:%B %Y}"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]

"""Election ids ('local-2018-05-03', 'general-2019-12-12', 'local-by-2025-10-16'): making, checking and recording them.

A by-election (one or a few seats filled on a day of their own) is `<kind>-by-<polling day>`: every by-election
of that kind on that day, under one id. They are recorded in `by_elections`, not `elections`: the answering side
takes `elections` as the ordinary rounds, one after another, and a by-election between two is not "the previous
election" of either.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import duckdb

ELECTION_ID = re.compile(r"^(local|general)(-by)?-(\d{4}-\d{2}-\d{2})$")
# The Commons Library's briefing of each general election's results (its tables are the files we read).
BRIEFINGS = {
    2017: "https://commonslibrary.parliament.uk/research-briefings/cbp-7979/",
    2019: "https://commonslibrary.parliament.uk/research-briefings/cbp-8749/",
    2024: "https://commonslibrary.parliament.uk/research-briefings/cbp-10009/",
}
GENERAL_ELECTION_DAYS = {
    2001: date(2001, 6, 7),
    2005: date(2005, 5, 5),
    2010: date(2010, 5, 6),
    2015: date(2015, 5, 7),
    2017: date(2017, 6, 8),
    2019: date(2019, 12, 12),
    2024: date(2024, 7, 4),
}


def election_id(kind: str, day: date) -> str:
    """The id of the `kind` ('local' or 'general') election held on `day`."""
    return f"{kind}-{day.isoformat()}"


def may_polling_day(year: int) -> date:
    """The first Thursday in May: English local elections' usual polling day."""
    first = date(year, 5, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7)


def parse_election_id(text: str) -> tuple[str, date] | None:
    """(kind, polling day) of a well-formed election id (a by-election's too), else None."""
    found = ELECTION_ID.match(text)
    if not found:
        return None
    try:
        return found.group(1), date.fromisoformat(found.group(3))
    except ValueError:
        return None


def is_by_election(text: str) -> bool:
    """The id is a by-election's ('local-by-2025-10-16')."""
    found = ELECTION_ID.match(text)
    return bool(found and found.group(2))


def election_name(kind: str, day: date, by_election: bool = False) -> str:
    """'Local elections, 3 May 2018' / 'General election, 12 December 2019' / 'Local by-elections, 16 October 2025'."""
    if by_election:
        label = "Local by-elections" if kind == "local" else "Parliamentary by-elections"
    else:
        label = "Local elections" if kind == "local" else "General election"
    return f"{label}, {day.day} {day:%B %Y}"


def record_elections(con: duckdb.DuckDBPyConnection, ids: list[str]) -> None:
    """Add these (well-formed) elections to `elections`, and by-elections to `by_elections`, if not there."""
    for text in ids:
        parsed = parse_election_id(text)
        if parsed is None:
            raise ValueError(f"not an election id: {text!r}")
        kind, day = parsed
        by = is_by_election(text)
        con.execute(
            f"INSERT INTO {'by_elections' if by else 'elections'} (id, date, kind, name) "
            "VALUES ($id, $date, $kind, $name) ON CONFLICT DO NOTHING",
            {"id": text, "date": day, "kind": kind, "name": election_name(kind, day, by)},
        )

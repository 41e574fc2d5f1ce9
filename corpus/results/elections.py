"""Election ids ('local-2018-05-03', 'general-2019-12-12'): making, checking and recording them."""

from __future__ import annotations

import re
from datetime import date, timedelta

import duckdb

ELECTION_ID = re.compile(r"^(local|general)-(\d{4}-\d{2}-\d{2})$")
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
    """(kind, polling day) of a well-formed election id, else None."""
    found = ELECTION_ID.match(text)
    if not found:
        return None
    try:
        return found.group(1), date.fromisoformat(found.group(2))
    except ValueError:
        return None


def election_name(kind: str, day: date) -> str:
    """'Local elections, 3 May 2018' / 'General election, 12 December 2019'."""
    label = "Local elections" if kind == "local" else "General election"
    return f"{label}, {day.day} {day:%B %Y}"


def record_elections(con: duckdb.DuckDBPyConnection, ids: list[str]) -> None:
    """Add these (well-formed) elections to `elections` if they are not there."""
    for text in ids:
        parsed = parse_election_id(text)
        if parsed is None:
            raise ValueError(f"not an election id: {text!r}")
        kind, day = parsed
        con.execute(
            "INSERT INTO elections (id, date, kind, name) VALUES ($id, $date, $kind, $name) ON CONFLICT DO NOTHING",
            {"id": text, "date": day, "kind": kind, "name": election_name(kind, day)},
        )

"""Parameterised SQL over the canonical results schema: one template per intent, never user text in SQL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import duckdb

# Every template takes named parameters ($election, $council, $party, ...) and is shown to the user
# with those values written in as literals; it is executed with the values bound, never pasted.
TEMPLATES: dict[str, str] = {
    "seats_won": """
SELECT p.name AS party, s.seats AS seats_won,
       (SELECT sum(seats) FROM seats_won WHERE election_id = $election AND ons_code = $council) AS seats_contested,
       s.source_file
FROM seats_won s JOIN parties p ON p.code = s.party_code
WHERE s.election_id = $election AND s.ons_code = $council AND s.party_code = $party""",
    "council_result": """
SELECT p.name AS party, s.seats AS seats_won, s.source_file
FROM seats_won s JOIN parties p ON p.code = s.party_code
WHERE s.election_id = $election AND s.ons_code = $council
ORDER BY s.seats DESC, p.name""",
    "seats_held": """
SELECT p.name AS party, c.seats_held, c.net_change, k.total_seats, c.source_file
FROM council_composition c JOIN parties p ON p.code = c.party_code
JOIN council_control k USING (election_id, ons_code)
WHERE c.election_id = $election AND c.ons_code = $council AND c.party_code = $party""",
    "composition": """
SELECT p.name AS party, c.seats_held, c.net_change, k.total_seats, c.source_file
FROM council_composition c JOIN parties p ON p.code = c.party_code
JOIN council_control k USING (election_id, ons_code)
WHERE c.election_id = $election AND c.ons_code = $council AND c.seats_held > 0
ORDER BY c.seats_held DESC, p.name""",
    "control": """
SELECT k.control, coalesce(p.name, 'No overall control') AS controlled_by, k.total_seats,
       (SELECT seats_held FROM council_composition c
        WHERE c.election_id = k.election_id AND c.ons_code = k.ons_code AND c.party_code = k.control) AS seats_held,
       k.source_file
FROM council_control k LEFT JOIN parties p ON p.code = k.control
WHERE k.election_id = $election AND k.ons_code = $council""",
    "control_changes": """
SELECT a.name AS council, coalesce(pb.name, 'No overall control') AS control_before,
       coalesce(pa.name, 'No overall control') AS control_after, now.source_file
FROM council_control now
JOIN council_control before ON before.ons_code = now.ons_code AND before.election_id = $previous
JOIN authorities a ON a.ons_code = now.ons_code
LEFT JOIN parties pa ON pa.code = now.control
LEFT JOIN parties pb ON pb.code = before.control
WHERE now.election_id = $election AND now.control IS DISTINCT FROM before.control
  AND ($party IS NULL OR ($gain AND now.control = $party) OR (NOT $gain AND before.control = $party))
ORDER BY a.name""",
    "largest_party": """
SELECT p.name AS party, c.seats_held, k.total_seats, k.control, c.source_file
FROM council_composition c JOIN parties p ON p.code = c.party_code
JOIN council_control k USING (election_id, ons_code)
WHERE c.election_id = $election AND c.ons_code = $council AND c.party_code <> 'OTH'
ORDER BY c.seats_held DESC
LIMIT 2""",
    "council_ranking": """
SELECT a.name AS council, s.seats AS seats_won, s.source_file
FROM seats_won s JOIN authorities a USING (ons_code)
WHERE s.election_id = $election AND s.party_code = $party AND s.seats > 0
  AND ($region IS NULL OR a.region = $region)
ORDER BY s.seats DESC, a.name
LIMIT $limit""",
    "change_ranking": """
SELECT a.name AS council, c.net_change, c.seats_held, c.source_file
FROM council_composition c JOIN authorities a USING (ons_code)
WHERE c.election_id = $election AND c.party_code = $party AND c.net_change IS NOT NULL
ORDER BY CASE WHEN $gain THEN -c.net_change ELSE c.net_change END, a.name
LIMIT 10""",
    "local_total": """
SELECT p.name AS party, sum(s.seats) AS seats_won, count(*) FILTER (WHERE s.seats > 0) AS councils_with_seats,
       (SELECT count(DISTINCT ons_code) FROM seats_won WHERE election_id = $election) AS councils,
       (SELECT sum(seats) FROM seats_won WHERE election_id = $election) AS seats_contested,
       string_agg(DISTINCT s.source_file, ', ') AS source_file
FROM seats_won s JOIN parties p ON p.code = s.party_code
WHERE s.election_id = $election AND s.party_code = $party
GROUP BY p.name""",
    "local_net_change": """
SELECT p.name AS party, sum(c.net_change) AS net_change, sum(c.seats_held) AS seats_held, count(*) AS councils,
       string_agg(DISTINCT c.source_file, ', ') AS source_file
FROM council_composition c JOIN parties p ON p.code = c.party_code
WHERE c.election_id = $election AND c.party_code = $party AND c.net_change IS NOT NULL
GROUP BY p.name""",
    "national_seats": """
SELECT p.name AS party, n.seats, n.votes,
       (SELECT sum(seats) FROM national_results WHERE election_id = $election) AS total_seats, n.source_file
FROM national_results n JOIN parties p ON p.code = n.party_code
WHERE n.election_id = $election AND n.party_code = $party""",
    "national_result": """
SELECT p.name AS party, n.seats, n.votes, n.source_file
FROM national_results n JOIN parties p ON p.code = n.party_code
WHERE n.election_id = $election AND n.seats > 0
ORDER BY n.seats DESC""",
    "constituency": """
SELECT r.name AS constituency, r.winner, p.name AS party, r.party_code, r.majority, r.electorate, r.valid_votes,
       round(100 * r.turnout, 1) AS turnout_percent, r.result, r.source_file
FROM constituency_results r JOIN parties p ON p.code = r.party_code
WHERE r.election_id = $election AND r.ons_code = $constituency""",
    "constituency_votes": """
SELECT p.name AS party, v.votes, round(100.0 * v.votes / r.valid_votes, 1) AS vote_share_percent,
       r.valid_votes, v.source_file
FROM constituency_votes v JOIN parties p ON p.code = v.party_code
JOIN constituency_results r USING (election_id, ons_code)
WHERE v.election_id = $election AND v.ons_code = $constituency AND ($party IS NULL OR v.party_code = $party)
ORDER BY v.votes DESC""",
    "council_votes": """
SELECT p.name AS party, sum(c.votes) AS votes,
       round(100.0 * sum(c.votes) / (SELECT sum(votes) FROM candidacies
                                     WHERE election_id = $election AND ons_code = $council), 1) AS vote_share_percent,
       count(*) AS candidates, string_agg(DISTINCT c.source_file, ', ') AS source_file
FROM candidacies c JOIN parties p ON p.code = c.party_code
WHERE c.election_id = $election AND c.ons_code = $council AND ($party IS NULL OR c.party_code = $party)
GROUP BY p.name
ORDER BY votes DESC NULLS LAST""",
    "councils_controlled": """
SELECT a.name AS council, coalesce(p.name, 'No overall control') AS control, k.total_seats, k.source_file
FROM council_control k JOIN authorities a USING (ons_code) LEFT JOIN parties p ON p.code = k.control
WHERE k.election_id = $election AND k.control = $control AND ($region IS NULL OR a.region = $region)
ORDER BY a.name""",
    "held_ranking": """
SELECT a.name AS council, c.seats_held, k.total_seats, c.source_file
FROM council_composition c JOIN authorities a USING (ons_code) JOIN council_control k USING (election_id, ons_code)
WHERE c.election_id = $election AND c.party_code = $party AND c.seats_held > 0
  AND ($region IS NULL OR a.region = $region)
ORDER BY c.seats_held DESC, a.name
LIMIT $limit""",
    "majority_ranking": """
SELECT r.name AS constituency, r.winner, p.name AS party, r.majority, r.source_file
FROM constituency_results r JOIN parties p ON p.code = r.party_code
WHERE r.election_id = $election AND ($party IS NULL OR r.party_code = $party)
ORDER BY CASE WHEN $smallest THEN r.majority ELSE -r.majority END, r.name
LIMIT $limit""",
    "winners_among": """
SELECT r.name AS constituency, r.winner, p.name AS party, r.majority, r.source_file
FROM constituency_results r JOIN parties p ON p.code = r.party_code
WHERE r.election_id = $election AND list_contains($places, r.ons_code) AND ($party IS NULL OR r.party_code = $party)
ORDER BY r.name""",
    "control_among": """
SELECT a.name AS council, coalesce(p.name, 'No overall control') AS control, k.total_seats, k.source_file
FROM council_control k JOIN authorities a USING (ons_code) LEFT JOIN parties p ON p.code = k.control
WHERE k.election_id = $election AND list_contains($places, k.ons_code)
  AND ($party IS NULL OR k.control = $party)
ORDER BY a.name""",
    "elections_with_data": """
SELECT DISTINCT e.id, e.date FROM elections e
WHERE e.id IN (SELECT election_id FROM seats_won WHERE ons_code = $place
               UNION SELECT election_id FROM council_control WHERE ons_code = $place
               UNION SELECT election_id FROM constituency_results WHERE ons_code = $place)
ORDER BY e.date""",
}
PARAMETER = re.compile(r"\$([a-z_]+)")


@dataclass(frozen=True, slots=True)
class QueryResult:
    """The SQL as shown to the user, and its rows as plain dictionaries."""

    sql: str
    rows: list[dict[str, Any]]

    def then(self, other: QueryResult) -> QueryResult:
        """Both queries, as one answer shows them: the SQL one after the other, the rows together."""
        return QueryResult(f"{self.sql}\n;\n{other.sql}", self.rows + other.rows)


def run_template(connection: duckdb.DuckDBPyConnection, name: str, **params: Any) -> QueryResult:
    """Run a named template with bound parameters; returns the displayable SQL and the rows."""
    template = TEMPLATES[name].strip()
    used = PARAMETER.findall(template)
    missing = set(used) - set(params)
    if missing:
        raise ValueError(f"template {name!r} needs {sorted(missing)}")
    cursor = connection.execute(template, {k: v for k, v in params.items() if k in used})
    columns = [d[0] for d in cursor.description]
    rows = [dict(zip(columns, (_plain(v) for v in row), strict=True)) for row in cursor.fetchall()]
    return QueryResult(render_sql(template, params), rows)


def render_sql(template: str, params: dict[str, Any]) -> str:
    """The template with each parameter written as a SQL literal, for people to read and re-run."""
    return PARAMETER.sub(lambda m: _literal(params[m.group(1)]), template)


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return "'" + str(value).replace("'", "''") + "'"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value

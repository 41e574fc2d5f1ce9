"""Commons Library local elections 2022: the party abbreviations its candidates and wards sheets print, named.

The candidates sheet prints a party only by its abbreviation ("ABTV"); this list says what each stands for
("Abolish the TV Licence"), some with two spellings. Each abbreviation and name becomes an alias of the party
hustings knows it as (by either), or of a party of its own named in full; a party a file had named only by
its abbreviation takes the full name.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from corpus.results.parties import map_parties
from corpus.results.records import ResultsFormat
from corpus.results.stage import require, stage_csv


def stage_party_names(con: duckdb.DuckDBPyConnection, path: Path, fmt: ResultsFormat) -> None:
    """Stage the list, and name and alias every party it names."""
    stage_csv(con, path, fmt.columns, nullstr=fmt.nullstr)
    for column in ("party_abbreviation", "party_name"):
        require(con, path, f"nullif(trim({column}), '') IS NOT NULL", field=column, problem="the value is missing",
                fix="fill it in")
    con.execute("DELETE FROM party_aliases WHERE origin = $origin", {"origin": path.name})  # imported again
    # Each spelling of one abbreviation names the same party: a name known as another party's wins, else the
    # abbreviation's own.
    map_parties(con, "SELECT party_abbreviation AS printed, party_name AS printed_name FROM staged", path.name)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_party_names AS
        SELECT trim(s.party_abbreviation) AS abbreviation, trim(s.party_name) AS name, m.code,
               s.number_of_candidates AS candidates
        FROM staged s JOIN party_map m ON m.printed = trim(s.party_abbreviation)
             AND m.printed_name IS NOT DISTINCT FROM nullif(trim(s.party_name), '')
        """
    )
    con.execute(
        """
        UPDATE parties p SET name = n.name
        FROM (SELECT code, arg_max(name, candidates) AS name FROM new_party_names GROUP BY code) n
        WHERE p.code = n.code AND p.origin <> 'parties.csv' AND norm_name(p.name) = norm_name(p.code)
        """
    )
    con.execute(
        """
        INSERT INTO party_aliases (alias, code, name, origin)
        SELECT alias, min(code), min(spelling), $origin FROM (
            SELECT norm_name(abbreviation) AS alias, code, abbreviation AS spelling FROM new_party_names
            UNION ALL SELECT norm_name(name), code, name FROM new_party_names
        )
        WHERE alias <> '' GROUP BY alias
        ON CONFLICT DO NOTHING
        """,
        {"origin": path.name},
    )


HOC_PARTY_NAMES = ResultsFormat(
    id="hoc-party-names",
    dataset="Local Elections Handbook 2022: party names",
    licence="Open Parliament Licence v3.0",
    publisher="House of Commons Library",
    columns=(("party_abbreviation", "VARCHAR"), ("party_name", "VARCHAR"), ("number_of_candidates", "UINTEGER")),
    stage=stage_party_names,
    description="Commons Library party names (party_abbreviation, party_name, number_of_candidates)",
)

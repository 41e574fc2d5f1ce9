"""The canonical format's facts, from its checked lines (temp table `canon_parties`) to `new_<table>` tables."""

from __future__ import annotations

import duckdb

# ONS code prefixes of Westminster constituencies: a `name` line with one names a constituency.
CONSTITUENCY = "regexp_matches(area_code, '^(E14|W07|S14|N06)')"


def stage_local_facts(con: duckdb.DuckDBPyConnection) -> None:
    """Stage candidacies, seats won, seats held, control and wards of local elections."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_candidacies AS
        SELECT election AS election_id, area_code AS ons_code, ward_code, ward_name, candidate, party_code,
               party AS party_printed, votes, elected, NULL::BOOLEAN AS incumbent, source_dataset AS dataset
        FROM canon_parties WHERE record = 'candidacy' AND starts_with(election, 'local-')
        """
    )
    # Seats won as given; for councils given only by candidacy, counted from them.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_seats_won AS
        SELECT election AS election_id, area_code AS ons_code, party_code, seats, source_dataset AS dataset
        FROM canon_parties WHERE record = 'seats_won'
        UNION ALL
        SELECT election_id, ons_code, party_code, count(*) FILTER (WHERE elected)::INTEGER, min(dataset)
        FROM new_candidacies c
        WHERE NOT EXISTS (SELECT 1 FROM canon_parties s WHERE s.record = 'seats_won'
                          AND s.election = c.election_id AND s.area_code = c.ons_code)
        GROUP BY election_id, ons_code, party_code
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_council_control AS
        SELECT election AS election_id, area_code AS ons_code, control_code AS control, control AS control_printed,
               seats AS total_seats, vacant AS vacant_seats, NULL AS seats_up, source_dataset AS dataset
        FROM canon_parties WHERE record = 'control'
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_council_composition AS
        SELECT h.election AS election_id, h.area_code AS ons_code, h.party_code, h.seats AS seats_held,
               h.change AS net_change, c.control_code AS control, h.source_dataset AS dataset
        FROM canon_parties h
        LEFT JOIN canon_parties c ON c.record = 'control' AND c.election = h.election AND c.area_code = h.area_code
        WHERE h.record = 'seats_held'
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_wards AS
        SELECT ward_code, min(ward_name) AS name, min(ons_code) AS ons_code
        FROM new_candidacies WHERE ward_code IS NOT NULL GROUP BY ward_code
        """
    )


def stage_general_facts(con: duckdb.DuckDBPyConnection) -> None:
    """Stage constituency results, votes by party, candidacies and national totals of general elections."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_constituency_results AS
        SELECT election AS election_id, area_code AS ons_code, area_name AS name, candidate AS winner, party_code,
               NULL AS second_party_code, NULL AS result, electorate, valid_votes, invalid_votes, majority,
               valid_votes / nullif(electorate, 0) AS turnout, NULL::TIMESTAMP AS declared_at,
               source_dataset AS dataset
        FROM canon_parties WHERE record = 'constituency'
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_constituency_votes AS
        SELECT election AS election_id, area_code AS ons_code, party_code, party AS party_printed, votes,
               source_dataset AS dataset
        FROM canon_parties WHERE record = 'party_votes'
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_constituency_candidacies AS
        SELECT election AS election_id, area_code AS ons_code, coalesce(area_name, area_code) AS constituency_name,
               candidate, party_code, party AS party_printed, votes,
               votes / nullif(sum(votes) OVER (PARTITION BY election, area_code), 0) AS share,
               CASE WHEN votes IS NOT NULL
                    THEN rank() OVER (PARTITION BY election, area_code ORDER BY votes DESC NULLS LAST) END::INTEGER
                    AS position,
               elected, source_dataset AS dataset
        FROM canon_parties WHERE record = 'candidacy' AND starts_with(election, 'general-')
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_national_results AS
        SELECT election AS election_id, party_code, seats, votes, source_dataset AS dataset
        FROM canon_parties WHERE record = 'national'
        """
    )


def stage_names(con: duckdb.DuckDBPyConnection) -> None:
    """Stage the council and constituency names the file gives with their codes."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE new_authority_names AS
        SELECT DISTINCT area_code AS code, area_name AS name, NULL AS type, region, record = 'name' AS alias_only
        FROM canon WHERE area_name IS NOT NULL
          AND (starts_with(election, 'local-') OR (record = 'name' AND NOT {CONSTITUENCY}))
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE new_constituency_names AS
        SELECT DISTINCT area_code AS code, area_name AS name, region, NULL AS country, NULL AS type,
               record = 'name' AS alias_only
        FROM canon WHERE area_name IS NOT NULL
          AND ((starts_with(election, 'general-') AND record <> 'national') OR (record = 'name' AND {CONSTITUENCY}))
        """
    )

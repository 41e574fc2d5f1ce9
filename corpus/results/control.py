"""Control as a file's own seat counts say it: a label that they contradict is kept beside it, not followed.

A party holding more than half of a council's seats controls it, whatever the label says: the Commons Library's
Welsh rows, for one, carry labels shifted by a column (Cardiff "CON" with Labour on 55 of 79 seats). The file's
others, lumped as one figure ('OTH'), may be several groups, so others holding most seats contradict a label
only where it names a party with a count of its own; where nobody holds a majority the label stands (a party
on exactly half, or on half of the filled seats, may still run the council). `label_control` keeps what the
label says, so answers and `data_issues` can say where the two differ.
"""

from __future__ import annotations

import duckdb

from corpus.results.write import table_columns, temp_tables

HOLDERS = """
    SELECT election_id, ons_code, party_code, sum(seats_held) AS seats
    FROM new_council_composition GROUP BY ALL"""


def settle_control(con: duckdb.DuckDBPyConnection) -> None:
    """Check a staged file's control labels against its own seats held, and take control from the seats where
    they give a majority the label does not say."""
    present = temp_tables(con)
    if "new_council_control" not in present:
        return
    if "label_control" not in table_columns(con, "new_council_control", temporary=True):
        con.execute("ALTER TABLE new_council_control ADD COLUMN label_control VARCHAR")
        con.execute("UPDATE new_council_control SET label_control = control")
    if "new_council_composition" not in present:
        return
    con.execute(
        f"""
        UPDATE new_council_control k SET control = m.party_code
        FROM (
            SELECT h.election_id, h.ons_code, h.party_code FROM ({HOLDERS}) h
            JOIN new_council_control c USING (election_id, ons_code)
            JOIN (SELECT election_id, ons_code, sum(seats_held) AS seats FROM new_council_composition GROUP BY ALL)
                 t USING (election_id, ons_code)
            WHERE h.seats * 2 > coalesce(c.total_seats, t.seats + coalesce(c.vacant_seats, 0))
        ) m
        WHERE k.election_id = m.election_id AND k.ons_code = m.ons_code
          AND k.label_control IS DISTINCT FROM m.party_code
          AND (m.party_code <> 'OTH' OR k.label_control IS NULL
               OR k.label_control IN (SELECT party_code FROM new_council_composition n
                                      WHERE n.election_id = k.election_id AND n.ons_code = k.ons_code))
        """
    )
    con.execute(
        """
        UPDATE new_council_composition c SET control = k.control FROM new_council_control k
        WHERE c.election_id = k.election_id AND c.ons_code = k.ons_code AND c.control IS DISTINCT FROM k.control
        """
    )

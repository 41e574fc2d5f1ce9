"""One council or constituency whatever the spelling: codes, canonical names and aliases, rebuilt after each import."""

from __future__ import annotations

import duckdb

from corpus.results.names import clean_name_sql

# Council type from the ONS code's prefix, when no file says.
TYPE_BY_PREFIX = """CASE left({code}, 3)
    WHEN 'E06' THEN 'Unitary' WHEN 'W06' THEN 'Unitary' WHEN 'S12' THEN 'Unitary'
    WHEN 'E07' THEN 'District' WHEN 'N09' THEN 'District' WHEN 'E08' THEN 'Metropolitan'
    WHEN 'E09' THEN 'London' WHEN 'E10' THEN 'County' END"""

NATION_BY_PREFIX = """CASE left({code}, 1)
    WHEN 'E' THEN 'England' WHEN 'W' THEN 'Wales' WHEN 'S' THEN 'Scotland' WHEN 'N' THEN 'Northern Ireland' END"""

# Spellings that tie on how many files use them: fewest commas, longest, fewest capitals, then alphabetical.
NAME_ORDER = "files DESC, name LIKE '%,%', length(name) DESC, length(regexp_replace(name, '[^A-Z]', '', 'g')), name"

# Unambiguous aliases only: an alias two councils share resolves to neither.
UNIQUE_AUTHORITY_ALIASES = (
    "SELECT alias, min(ons_code) AS ons_code FROM authority_aliases GROUP BY alias HAVING count(DISTINCT ons_code) = 1"
)
UNIQUE_CONSTITUENCY_ALIASES = (
    "SELECT alias, min(ons_code) AS ons_code FROM constituency_aliases GROUP BY alias "
    "HAVING count(DISTINCT ons_code) = 1"
)


def rebuild_authorities(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild authority_codes, authorities and authority_aliases from every printed (code, name) pair."""
    clean = clean_name_sql("name")
    con.execute("DELETE FROM authority_codes")
    # Codes printed with the same name (same country) are one council that ONS re-coded:
    # the unitary code wins, then the newest (highest) serial number.
    con.execute(
        f"""
        INSERT INTO authority_codes (code, ons_code)
        WITH seen AS (SELECT DISTINCT code, norm_name({clean}) AS alias FROM authority_names)
        SELECT a.code, first(b.code ORDER BY substr(b.code, 2, 2) <> '06', substr(b.code, 4) DESC, b.code)
        FROM seen a JOIN seen b ON a.alias = b.alias AND left(a.code, 1) = left(b.code, 1)
        GROUP BY a.code
        """
    )
    con.execute("DELETE FROM authorities")
    con.execute(
        f"""
        INSERT INTO authorities (ons_code, name, type, region, nation)
        WITH named AS (
            SELECT c.ons_code, {clean} AS name, count(DISTINCT n.source_file) FILTER (WHERE NOT alias_only) AS files
            FROM authority_names n JOIN authority_codes c USING (code) GROUP BY ALL
        ),
        described AS (
            SELECT c.ons_code, mode(n.type) AS type, mode(n.region) AS region
            FROM authority_names n JOIN authority_codes c USING (code) GROUP BY ALL
        )
        SELECT ons_code, first(name ORDER BY {NAME_ORDER}),
               coalesce(min(d.type), {TYPE_BY_PREFIX.format(code="ons_code")}), min(d.region),
               {NATION_BY_PREFIX.format(code="ons_code")}
        FROM named JOIN described d USING (ons_code)
        GROUP BY ons_code
        """
    )
    con.execute("DELETE FROM authority_aliases")
    con.execute(
        f"""
        INSERT INTO authority_aliases (alias, ons_code, name, source_file)
        SELECT DISTINCT norm_name(spelling), ons_code, spelling, source_file FROM (
            SELECT c.ons_code, n.name AS spelling, n.source_file
            FROM authority_names n JOIN authority_codes c USING (code)
            UNION ALL
            SELECT c.ons_code, {clean_name_sql("n.name")}, n.source_file
            FROM authority_names n JOIN authority_codes c USING (code)
        )
        """
    )


def rebuild_constituencies(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild constituencies and constituency_aliases from every printed (code, name) pair."""
    con.execute("DELETE FROM constituencies")
    con.execute(
        f"""
        INSERT INTO constituencies (ons_code, name, region, country, type)
        WITH named AS (
            SELECT code, name, count(DISTINCT source_file) FILTER (WHERE NOT alias_only) AS files
            FROM constituency_names GROUP BY ALL
        ),
        described AS (
            SELECT code, mode(region) AS region, mode(country) AS country, mode(type) AS type
            FROM constituency_names GROUP BY code
        )
        SELECT code, first(name ORDER BY {NAME_ORDER}), min(d.region), min(d.country), min(d.type)
        FROM named JOIN described d USING (code)
        GROUP BY code
        """
    )
    con.execute("DELETE FROM constituency_aliases")
    con.execute(
        """
        INSERT INTO constituency_aliases (alias, ons_code, name, source_file)
        SELECT DISTINCT norm_name(name), code, name, source_file FROM constituency_names
        """
    )


def recode_authorities(con: duckdb.DuckDBPyConnection, tables: list[tuple[str, tuple[str, ...]]]) -> None:
    """Move facts stored under a code ONS has since replaced to the current code (table, primary key) pairs."""
    for table, key in tables:
        if "ons_code" in key:
            # Where the current code already holds the same key, the row under the old code is the stale one.
            others = " AND ".join(f"t.{column} = s.{column}" for column in key if column != "ons_code")
            con.execute(
                f"""
                DELETE FROM {table} t USING authority_codes c
                WHERE t.ons_code = c.code AND c.code <> c.ons_code
                  AND EXISTS (SELECT 1 FROM {table} s WHERE s.ons_code = c.ons_code {"AND " + others if others else ""})
                """
            )
        con.execute(
            f"""
            UPDATE {table} t SET ons_code = c.ons_code FROM authority_codes c
            WHERE t.ons_code = c.code AND c.code <> c.ons_code
            """
        )


def resolve_names(con: duckdb.DuckDBPyConnection) -> None:
    """Give an ONS code to facts that came with only a name (Open Council Data, the 2017 candidates table)."""
    code_councils_by_name(con, "council_composition_by_year")
    con.execute(
        f"""
        UPDATE constituency_candidacies t SET ons_code = a.ons_code
        FROM ({UNIQUE_CONSTITUENCY_ALIASES}) a
        WHERE t.ons_code IS NULL AND a.alias = norm_name(t.constituency_name)
        """
    )
    resolve_rosters(con)


def code_councils_by_name(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Give each council `table` names (`authority_name`) the ONS code of the one council its name is an alias
    of, or none where no file or several give one."""
    con.execute(
        f"""
        UPDATE {table} t SET ons_code = a.ons_code
        FROM (SELECT DISTINCT authority_name FROM {table}) n
        LEFT JOIN ({UNIQUE_AUTHORITY_ALIASES}) a ON a.alias = norm_name(n.authority_name)
        WHERE t.authority_name = n.authority_name AND t.ons_code IS DISTINCT FROM a.ons_code
        """
    )


def resolve_rosters(con: duckdb.DuckDBPyConnection) -> None:
    """Give Open Council Data's rosters their councils' ONS codes (by name, as the yearly snapshots get theirs)
    and their wards' codes: the code the election files give a ward of that name on that council, at the
    election nearest the roster's year (the earlier of two as near). Redone after every import, so a name that
    another file makes ambiguous loses its code."""
    code_councils_by_name(con, "councillors")
    con.execute(
        """
        UPDATE councillors t SET ward_code = p.ward_code
        FROM (
            SELECT r.year, r.ons_code, r.ward_name,
                   first(w.ward_code ORDER BY abs(w.year - r.year), w.year > r.year, w.ward_code) AS ward_code
            FROM (SELECT DISTINCT year, ons_code, ward_name FROM councillors) r
            LEFT JOIN (SELECT DISTINCT c.ons_code, norm_name(c.ward_name) AS ward, c.ward_code, year(e.date) AS year
                       FROM candidacies c JOIN elections e ON e.id = c.election_id
                       WHERE c.ward_code IS NOT NULL) w
              ON w.ons_code = r.ons_code AND w.ward = norm_name(r.ward_name)
            GROUP BY ALL
        ) p
        WHERE t.year = p.year AND t.ons_code IS NOT DISTINCT FROM p.ons_code AND t.ward_name = p.ward_name
          AND t.ward_code IS DISTINCT FROM p.ward_code
        """
    )

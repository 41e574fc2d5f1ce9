"""One party whatever the spelling: the seeded parties (parties.csv) and the mapping of printed party codes."""

from __future__ import annotations

from importlib import resources

import duckdb

SEED_FILE = "parties.csv"


def seed_parties(con: duckdb.DuckDBPyConnection) -> None:
    """Write the seeded parties and their aliases (code, name, everyday names); seeded aliases win."""
    with resources.as_file(resources.files("corpus.results").joinpath(SEED_FILE)) as path:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE party_seed AS SELECT * FROM read_csv($path, header = true, "
            "auto_detect = false, columns = {'code': 'VARCHAR', 'name': 'VARCHAR', 'aliases': 'VARCHAR'})",
            {"path": str(path)},
        )
    con.execute(
        "INSERT OR REPLACE INTO parties (code, name, origin) SELECT code, name, $origin FROM party_seed",
        {"origin": SEED_FILE},
    )
    con.execute(
        """
        INSERT OR REPLACE INTO party_aliases (alias, code, name, origin)
        SELECT norm_name(spelling), first(code ORDER BY rank, code), first(spelling ORDER BY rank, spelling), $origin
        FROM (
            -- Where spellings meet on one alias ("Sinn Féin", "Sinn Fein"), the party's own name is kept,
            -- then its code, then its everyday names in the order parties.csv gives them: never a pick
            -- that changes from one import to the next.
            SELECT code, name AS spelling, 0 AS rank FROM party_seed
            UNION ALL SELECT code, code, 1 FROM party_seed
            UNION ALL SELECT code, unnest(names), 1 + generate_subscripts(names, 1)
            FROM (SELECT code, string_split(aliases, '|') AS names FROM party_seed WHERE aliases IS NOT NULL)
        )
        WHERE norm_name(spelling) <> ''
        GROUP BY norm_name(spelling)
        """,
        {"origin": SEED_FILE},
    )


def map_parties(con: duckdb.DuckDBPyConnection, printed_sql: str, origin: str) -> None:
    """Build temp table `party_map(printed, printed_name, code)` for the (printed, printed_name) rows of `printed_sql`.

    A printed code is looked up as an alias, then its printed name; one neither knows becomes a new party
    (code: the printed code in capitals), with both spellings as its aliases.
    """
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE party_map AS
        WITH seen AS (
            SELECT DISTINCT trim(printed) AS printed, nullif(trim(printed_name), '') AS printed_name
            FROM ({printed_sql}) WHERE nullif(trim(printed), '') IS NOT NULL
        )
        SELECT seen.printed, seen.printed_name,
               coalesce(by_code.code, by_name.code, upper(seen.printed)) AS code,
               by_code.code IS NULL AND by_name.code IS NULL AS new
        FROM seen
        LEFT JOIN party_aliases by_code ON by_code.alias = norm_name(seen.printed)
        LEFT JOIN party_aliases by_name ON by_name.alias = norm_name(seen.printed_name)
        """
    )
    con.execute(
        """
        INSERT INTO parties (code, name, origin)
        SELECT code, coalesce(min(printed_name), min(printed)), $origin FROM party_map WHERE new GROUP BY code
        ON CONFLICT DO NOTHING
        """,
        {"origin": origin},
    )
    con.execute(
        """
        INSERT INTO party_aliases (alias, code, name, origin)
        SELECT alias, min(code), min(spelling), $origin FROM (
            SELECT norm_name(printed) AS alias, code, printed AS spelling FROM party_map WHERE new
            UNION ALL
            SELECT norm_name(printed_name), code, printed_name FROM party_map WHERE new AND printed_name IS NOT NULL
        )
        WHERE alias <> '' GROUP BY alias
        ON CONFLICT DO NOTHING
        """,
        {"origin": origin},
    )


def control_sql(label: str) -> str:
    """SQL turning a printed control label (a party spelling, or NOC) into a party code or 'NOC'; NULL if unknown."""
    return (
        f"CASE WHEN norm_name({label}) IN ('noc', 'no overall control') THEN 'NOC' "
        f"ELSE (SELECT code FROM party_aliases WHERE alias = norm_name({label})) END"
    )

"""Reading a results file into a temporary table with DuckDB's CSV reader, refusing it at its first bad line."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import duckdb
import ftfy

from corpus.results.errors import ResultsFileError

REJECTS = "results_rejects"
REJECT_SCANS = "results_reject_scans"

# What a person should be told a column must hold, by DuckDB type.
EXPECTED = {
    "UINTEGER": "a whole number, 0 or more",
    "UBIGINT": "a whole number, 0 or more",
    "INTEGER": "a whole number",
    "BIGINT": "a whole number",
    "DOUBLE": "a number",
    "BOOLEAN": "1 or 0",
    "DATE": "a date (YYYY-MM-DD)",
}
CAST_VALUE = re.compile(r'Could not convert string "(.*?)" to', re.S)
# The marks of UTF-8 bytes read as Windows-1252: "â€™" for ’, "Ã©" for é, "Â£" for £.
MOJIBAKE = "(â€|Ã[\x80-\xbf©¨¢§ª«®±³¶¸º¼½¾]|Â[£°±²³´µ·º¼½¾])"


def sql_string(text: str) -> str:
    """`text` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def stage_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    columns: Sequence[tuple[str, str]],
    *,
    table: str = "staged",
    header: bool = True,
    nullstr: Sequence[str] = ("",),
) -> int:
    """Load `path` into temp table `table`; raise ResultsFileError at the first bad line.

    The table's first column, `_record`, is the record's position in the file (0 = the first after the header).
    """
    types = ", ".join(f"{sql_string(name)}: {sql_string(kind)}" for name, kind in columns)
    nulls = ", ".join(sql_string(value) for value in nullstr)
    con.execute(f"DROP TABLE IF EXISTS temp.{REJECTS}")
    con.execute(f"DROP TABLE IF EXISTS temp.{REJECT_SCANS}")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table}_raw AS SELECT * FROM read_csv($path, columns = {{{types}}}, "
        f"header = {str(header).lower()}, nullstr = [{nulls}], auto_detect = false, delim = ',', quote = '\"', "
        f"escape = '\"', encoding = 'utf-8', store_rejects = true, rejects_table = '{REJECTS}', "
        f"rejects_scan = '{REJECT_SCANS}')",
        {"path": str(path)},
    )
    reject = con.execute(
        f"SELECT line, column_name, error_type, csv_line, error_message FROM temp.{REJECTS} ORDER BY line LIMIT 1"
    ).fetchone()
    if reject is not None:
        raise rejected_line(path, columns, *reject)
    # Rows keep the file's order (DuckDB preserves insertion order); rowids inside a transaction start high.
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} AS "
        f"SELECT rowid - (SELECT min(rowid) FROM {table}_raw) AS _record, * FROM {table}_raw ORDER BY rowid"
    )
    con.execute(f"DROP TABLE {table}_raw")
    repair_text(con, table, [name for name, kind in columns if kind == "VARCHAR"])
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def repair_text(con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str]) -> int:
    """Mend text that was UTF-8 read as Windows-1252 and saved again ("Kingâ€™s Hedges" -> "King's Hedges"),
    as the Commons Library's 2022 sheets print some ward names; returns how many values were mended."""
    mended = 0
    for column in columns:
        name = quote_identifier(column)
        broken = [value for (value,) in con.execute(
            f"SELECT DISTINCT {name} FROM {table} WHERE regexp_matches({name}, $marks)", {"marks": MOJIBAKE}
        ).fetchall()]
        for value in broken:
            fixed = ftfy.fix_text(value)
            if fixed != value:
                con.execute(f"UPDATE {table} SET {name} = $fixed WHERE {name} = $value",
                            {"fixed": fixed, "value": value})
                mended += 1
    return mended


def rejected_line(
    path: Path,
    columns: Sequence[tuple[str, str]],
    line: int,
    column: str | None,
    error_type: str,
    csv_line: str | None,
    message: str,
) -> ResultsFileError:
    """The error for the first line DuckDB's reader rejected."""
    if error_type == "CAST" and column is not None:
        kind = dict(columns).get(column, "")
        found = CAST_VALUE.search(message)
        value = found.group(1) if found else csv_line
        return ResultsFileError(
            path,
            f"{value!r} is not {EXPECTED.get(kind, kind)}",
            line=int(line),
            field=column,
            fix=f"correct the value on line {line} and import the file again",
        )
    if error_type in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
        return ResultsFileError(
            path,
            f"{message.strip()} (the line reads {csv_line!r})",
            line=int(line),
            fix=f"give line {line} exactly {len(columns)} comma-separated fields (quote any value with a comma)",
        )
    if error_type == "INVALID ENCODING":
        return ResultsFileError(path, "the file is not UTF-8 text", line=int(line), fix="save it as UTF-8 CSV")
    return ResultsFileError(path, f"{error_type.lower()}: {message.strip()}", line=int(line), field=column)


def first_bad_line(
    con: duckdb.DuckDBPyConnection,
    condition: str,
    *,
    show: str = "NULL",
    table: str = "staged",
    header: bool = True,
    record: str = "_record",
) -> tuple[int, str | None] | None:
    """The file line of the first staged record where `condition` holds, with `show` evaluated on it.

    `record` is the column giving a record's position in the file (0 = the first record).
    """
    row = con.execute(
        f"SELECT {record}, ({show})::VARCHAR FROM {table} WHERE {condition} ORDER BY {record} LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    # One record per line: the files we read do not put line breaks inside quoted values.
    return int(row[0]) + 1 + (1 if header else 0), row[1]


def require(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    condition: str,
    *,
    field: str,
    problem: str,
    fix: str,
    show: str | None = None,
    table: str = "staged",
    header: bool = True,
    record: str = "_record",
) -> None:
    """Raise ResultsFileError naming the first staged line where `condition` does not hold.

    `problem` may hold `{value}`: the value of `show` (default: the field) on that line.
    """
    shown = show if show is not None else quote_identifier(field)
    found = first_bad_line(
        con, f"NOT coalesce(({condition}), false)", show=shown, table=table, header=header, record=record
    )
    if found is not None:
        line, value = found
        raise ResultsFileError(path, problem.format(value=repr(value)), line=line, field=field, fix=fix)


def quote_identifier(name: str) -> str:
    """`name` as a SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def require_unique(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    columns: Sequence[str],
    *,
    what: str,
    table: str = "staged",
    header: bool = True,
    where: str = "true",
    record: str = "_record",
) -> None:
    """Raise ResultsFileError at the second line that repeats the same `columns` (one fact stated twice)."""
    key = ", ".join(quote_identifier(column) for column in columns)
    label = " || ' / ' || ".join(f"coalesce({quote_identifier(column)}::VARCHAR, '')" for column in columns)
    row = con.execute(
        f"SELECT {record}, first_record, {label} "
        f"FROM (SELECT min({record}) OVER (PARTITION BY {key}) AS first_record, * FROM {table} WHERE {where}) "
        f"WHERE {record} <> first_record ORDER BY {record} LIMIT 1"
    ).fetchone()
    if row is not None:
        offset = 1 + (1 if header else 0)
        line, first = int(row[0]) + offset, int(row[1]) + offset
        raise ResultsFileError(
            path,
            f"{what} {row[2]!r} is given twice, on lines {first} and {line}",
            line=line,
            field=columns[-1],
            fix="keep one of the two lines",
        )


def stage_seats_and_wards(con: duckdb.DuckDBPyConnection) -> None:
    """Seats won per council and party, and the wards, from a file's staged candidacies (`new_candidacies`)."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_seats_won AS
        SELECT election_id, ons_code, party_code, count(*) FILTER (WHERE elected)::INTEGER AS seats
        FROM new_candidacies GROUP BY ALL
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_wards AS
        SELECT ward_code, min(ward_name) AS name, min(ons_code) AS ons_code
        FROM new_candidacies WHERE ward_code IS NOT NULL GROUP BY ward_code
        """
    )


def require_constituency_codes(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Every staged "ONS ID" is an ONS constituency code (E14…, W07…, S14…, N06…)."""
    require(
        con,
        path,
        "regexp_matches(\"ONS ID\", '^[EWSN][0-9]{8}$')",
        field="ONS ID",
        problem="{value} is not an ONS constituency code",
        fix="correct that line",
    )

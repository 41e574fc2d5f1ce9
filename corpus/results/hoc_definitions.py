"""Commons Library local elections 2022: the workbook's own notes on what its columns and codes mean.

A column's row names it, its sheet and its meaning, and its first option ("LB: London Borough"); the rows
after it, with no column name, are its further options. One cell may hold two ("1: True      0: False").
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from corpus.results.records import ResultsFormat
from corpus.results.stage import require, stage_csv


def stage_definitions(con: duckdb.DuckDBPyConnection, path: Path, fmt: ResultsFormat) -> None:
    """Stage one row per (column, option): the term, the sheet, its meaning, an option's code and meaning."""
    stage_csv(con, path, fmt.columns, nullstr=fmt.nullstr)
    require(con, path, "_record > 0 OR column_name IS NOT NULL", field="column_name",
            problem="the first row names no column", fix="start with a row naming a column")
    con.execute(
        r"""
        CREATE OR REPLACE TEMP TABLE new_definitions AS
        WITH carried AS (  -- an option row belongs to the column named above it
            SELECT _record, last_value(column_name IGNORE NULLS) OVER w AS term,
                   last_value(sheet IGNORE NULLS) OVER w AS sheet, last_value(meaning IGNORE NULLS) OVER w AS meaning,
                   options
            FROM staged WINDOW w AS (ORDER BY _record ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
        ), split AS (
            SELECT _record, term, sheet, meaning, unnest(regexp_split_to_array(trim(options), '\s{2,}')) AS option
            FROM carried WHERE options IS NOT NULL
            UNION ALL SELECT _record, term, sheet, meaning, NULL FROM carried WHERE options IS NULL
        )
        SELECT DISTINCT trim(term) AS term, trim(sheet) AS sheet, trim(meaning) AS meaning,
               nullif(trim(split_part(option, ':', 1)), '') AS code,
               nullif(trim(substr(option, strpos(option, ':') + 1)), '') AS option
        FROM split
        """
    )


HOC_DEFINITIONS = ResultsFormat(
    id="hoc-definitions",
    dataset="Local Elections Handbook 2022: notes and definitions",
    licence="Open Parliament Licence v3.0",
    publisher="House of Commons Library",
    columns=(("column_name", "VARCHAR"), ("sheet", "VARCHAR"), ("meaning", "VARCHAR"), ("options", "VARCHAR")),
    stage=stage_definitions,
    description="Commons Library notes and definitions (column_name, sheet, meaning, options)",
)

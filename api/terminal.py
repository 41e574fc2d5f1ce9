"""How the command line prints for a person: answers with their rows as a table, the store's catalogue, ingest notes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from bot.answer import Answer, Citation
from corpus.catalogue import DatasetEntry, OutletEntry
from corpus.readers import ARTICLE_SUFFIXES
from corpus.records import ReadProblem

ROWS_SHOWN = 25
NAMED = 3  # files named in a summarised note
ERRORS_LISTED = 50  # unreadable files listed one by one before the rest are summarised
SUMMARISE_FROM = 4  # as many notes of one kind as this are summarised in one line
PROVENANCE = ("source_file", "dataset")  # columns that name where rows come from, the same on every row
# What varies between notes of one kind: quoted names, parenthesised details, paths and numbers.
SPECIFICS = re.compile(r"(?<!\w)'[^']*'(?!\w)|(?<!\w)\"[^\"]*\"(?!\w)|\([^()]*\)|\S*/\S*|(?<![\w-])\d[\d,.]*(?!\w)")


def print_answer(out: Console, answer: Answer) -> None:
    """An answer for a terminal: the text, its rows, sources and datasets, then what it was read as and the SQL."""
    out.print(answer.text, highlight=False, markup=False)
    if answer.rows:
        out.print(rows_table(answer.rows, width=out.width))
    for citation in answer.citations:
        out.print(f"  {citation_line(citation)}", style="dim", highlight=False, markup=False)
    for dataset in answer.datasets:
        said = " · ".join(p for p in (dataset.named, dataset.licence or "no licence given", dataset.url) if p)
        out.print(f"  from {said}", style="dim", highlight=False, markup=False)
    out.print(f"read as: {answer.understood}", style="dim", highlight=False, markup=False)
    out.print(f"route {answer.route} · {answer.outcome} · confidence {answer.confidence:.2f} · "
              f"{answer.timings_ms.get('total', 0):.0f} ms", style="dim", highlight=False)
    if answer.sql:
        out.print(answer.sql, style="dim", highlight=False, markup=False)


def citation_line(citation: Citation) -> str:
    """ "[1] Title · Outlet · 5 May 2018 · https://…", or where the article has no address, where its characters are."""
    published = long_date(citation.published) if citation.published else "undated"
    where = citation.url or f"article {citation.article_id}, characters {citation.start}-{citation.end}"
    return " · ".join(p for p in (f"[{citation.n}] {citation.title}", citation.source, published, where) if p)


def long_date(day: date) -> str:
    """ "5 May 2018" """
    return f"{day.day} {day:%B %Y}"


def rows_table(rows: Sequence[dict[str, Any]], width: int = 80, shown: int = ROWS_SHOWN) -> RenderableType:
    """The rows behind an answer: one row as field and value, more as columns; numbers right-aligned with
    thousands separators, and a file every row comes from said once under the table."""
    columns = list(dict.fromkeys(c for row in rows for c in row))
    constant = [c for c in columns if c in PROVENANCE and len({str(row.get(c)) for row in rows}) == 1]
    columns = [c for c in columns if c not in constant]
    notes = [f"first {shown} of {len(rows):,} rows"] if len(rows) > shown else []
    notes += [f"rows from {rows[0][c]}" for c in constant if rows[0].get(c) is not None]
    # said under the table, not as its caption: a caption wraps to the table's width
    caption = Text(" · ".join(notes), style="dim")
    if len(rows) == 1:
        table = Table("", "", show_header=False, box=box.SIMPLE)
        table.columns[1].overflow = "fold"
        for column in columns:
            table.add_row(heading(column), cell(column, rows[0].get(column)))
        return Group(table, caption) if notes else table
    # Folded, never cut short: an ONS code or a name shortened with "…" is no longer the row's.
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    texts = [[cell(column, row.get(column)) for column in columns] for row in rows[:shown]]
    headings = [heading(column) for column in columns]
    widths = fit_widths([[h, *(t[i] for t in texts)] for i, h in enumerate(headings)], width - 3 * (len(columns) - 1))
    for index, column in enumerate(columns):
        numeric = all(_is_number(row.get(column)) for row in rows if row.get(column) is not None)
        table.add_column(headings[index], justify="right" if numeric else "left", overflow="fold",
                         width=widths[index] if widths else None)
    for row_texts in texts:
        table.add_row(*row_texts)
    return Group(table, caption) if notes else table


def fit_widths(columns: Sequence[Sequence[str]], room: int) -> list[int] | None:
    """Column widths that fit `room` without breaking a word, sharing what is left in proportion to what each
    column would take unwrapped; None where everything fits unwrapped, or nothing fits whole words."""
    longest = [max(len(text) for text in texts) for texts in columns]
    words = [max((len(w) for text in texts for w in text.split()), default=1) for texts in columns]
    if sum(longest) <= room or sum(words) > room:
        return None
    spare, wants = room - sum(words), [full - word for full, word in zip(longest, words, strict=True)]
    return [word + spare * want // sum(wants) for word, want in zip(words, wants, strict=True)]


def heading(column: str) -> str:
    """A column name as a reader says it: "turnout_percent" -> "turnout %", "ons_code" -> "ONS code"."""
    words = column.replace("_percent", " %").replace("_", " ").split()
    return " ".join("ONS" if w == "ons" else w for w in words)


def cell(column: str, value: Any) -> str:
    """One value for a table: thousands separators (not in years), yes/no, a dash for nothing."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) and "year" not in column:
        return f"{value:,}"
    if isinstance(value, float):
        return f"{round(value, 2):,}"
    if isinstance(value, Decimal):
        return f"{value:,}"
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def datasets_table(datasets: Sequence[DatasetEntry]) -> Table:
    """Every results dataset the store holds, with its publisher, licence, rows and when it was loaded."""
    table = Table("dataset (file)", "publisher", "licence", "rows", "loaded (UTC)", title="Datasets",
                  title_justify="left", box=box.SIMPLE_HEAD)
    table.columns[0].overflow = "fold"  # a file's name is kept whole, over two lines if need be
    table.columns[3].justify = "right"
    for column in table.columns[3:]:
        column.no_wrap = True
    for entry in datasets:
        named = Text(entry.title)
        named.append(f"\n{entry.file}", style="dim")
        table.add_row(named, entry.publisher or "–", entry.licence or "no licence given", f"{entry.rows:,}",
                      f"{entry.loaded_at:%Y-%m-%d %H:%M}")
    return table


def outlets_table(outlets: Sequence[OutletEntry]) -> Table:
    """Every outlet the articles come from, with how many articles and how many of them have an address."""
    table = Table("outlet", "articles", "with a URL", title="Article sources", title_justify="left",
                  box=box.SIMPLE_HEAD)
    for column in table.columns[1:]:
        column.justify = "right"
    for entry in outlets:
        table.add_row(entry.source, f"{entry.articles:,}", f"{entry.with_url:,}")
    return table


@dataclass(frozen=True, slots=True)
class NoteGroup:
    """Notes of one kind (the same message but for names, paths and numbers), in the order first met."""

    problems: tuple[ReadProblem, ...]

    def __str__(self) -> str:
        if len(self.problems) < SUMMARISE_FROM:
            return "\n".join(str(p) for p in self.problems)
        named = ", ".join(_where(p) for p in self.problems[:NAMED])
        rest = len(self.problems) - NAMED
        return f"{len(self.problems):,} × {note_kind(self.problems[0].message)} — {named} … and {rest:,} more"


def note_kind(message: str) -> str:
    """A note's message without what varies between files: "the same article as 'a' (x.txt): not stored
    twice" -> "the same article as …: not stored twice"."""
    kind = SPECIFICS.sub("…", message)
    return re.sub(r"…(\s*…)+", "…", kind)


def group_notes(problems: Iterable[ReadProblem]) -> list[NoteGroup]:
    """Problems grouped by kind, groups in the order their first problem came."""
    groups: dict[tuple[bool, str], list[ReadProblem]] = {}
    for problem in problems:
        groups.setdefault((problem.skipped, note_kind(problem.message)), []).append(problem)
    return [NoteGroup(tuple(group)) for group in groups.values()]


def problem_lines(problems: Sequence[ReadProblem]) -> list[tuple[str, bool]]:
    """Lines to print for an ingest's problems, each with whether it lost something: files that could not be
    read one by one (up to ERRORS_LISTED), then every kind of note once, repeated ones counted."""
    errors = [p for p in problems if p.skipped]
    lines = [(str(p), True) for p in errors[:ERRORS_LISTED]]
    rest = [*errors[ERRORS_LISTED:], *(p for p in problems if not p.skipped)]
    return lines + [(str(group), group.problems[0].skipped) for group in group_notes(rest)]


def _where(problem: ReadProblem) -> str:
    return f"{problem.path}:{problem.line}" if problem.line is not None else str(problem.path)


def no_articles_hint(folders: Sequence[Path]) -> str:
    """What to say when the files and folders given held no article that could be read, naming a .csv among them."""
    kinds = ", ".join(sorted(ARTICLE_SUFFIXES))
    said = ", ".join(str(f) for f in folders)
    hint = f"no readable articles in {said} (articles are {kinds} files)"
    tables = sorted(p for folder in folders if folder.is_dir() for p in folder.rglob("*.csv"))
    if tables:
        some = "a .csv file" if len(tables) == 1 else f"{len(tables):,} .csv files"
        hint += (f"; it holds {some}: results files are imported with --results, e.g. "
                 f"`hustings ingest --results {tables[0]}`")
    return hint

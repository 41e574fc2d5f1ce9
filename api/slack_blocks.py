"""Answers as Slack Block Kit messages, inside Slack's limits (3,000 characters a section, 50 blocks).

An answer reads top down: the answer, what it was read as, its rows as compact plain-text tables (no
charts: Slack draws none), the datasets its figures come from, the passages it quotes with their outlet
and a link to the article, and last the SQL behind it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from api.schemas import ChatResponse, CitationOut, DatasetOut

Block = dict[str, Any]
SECTION_MAX = 3000  # characters in a section's text (Block Kit)
BLOCKS_MAX = 50  # blocks in one message
FALLBACK_MAX = 3000  # the notification text; Slack truncates far later, but a notification need not be long
QUOTE_MAX = 500  # characters of a quoted sentence under a citation
CITATIONS_MAX = 10
TABLES_MAX = 3  # row shapes shown as tables; the SQL says how to get the rest
TABLE_ROWS = 8  # rows of each compact table
SIDEWAYS_AFTER = 4  # a lone row with more columns than this is shown as column-value lines
CELL_MAX = 28
SHORTENED = "… (shortened to fit Slack)"
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
WEB_ADDRESS = re.compile(r"https?://[^\s\x00-\x1f]+", re.IGNORECASE)
NOT_AMOUNTS = {"year", "ons_code", "election_id"}  # figures that are names, not amounts: no thousands separator


def escape(text: str) -> str:
    """Text safe inside mrkdwn: Slack reads &, < and > as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str | None, label: str) -> str:
    """`label` as a mrkdwn link to `url` when that is a web address, else the escaped label alone."""
    if not url or not WEB_ADDRESS.fullmatch(url):
        return escape(label)
    # Inside <url|label> a "|" or ">" in the address would end it early: percent-encoded, they mean the same.
    address = escape(url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C"))
    return f"<{address}|{escape(label)}>"


def render_answer(reply: ChatResponse, asked_by: str | None = None) -> tuple[str, list[Block]]:
    """The notification text and the blocks of an answer: the answer, what it was read as, its rows, datasets,
    citations and SQL."""
    head: list[Block] = [_context(asked_by)] if asked_by else []
    tail: list[Block] = [_context(f"read as: {escape(reply.understood)}\nroute: `{reply.route}` · {reply.outcome} · "
                                  f"confidence {reply.confidence:.2f}")]
    tail += [_section(_code(title, table)) for title, table in _tables(reply.rows)]
    if reply.datasets:
        tail.append(_context("\n".join(_dataset(d) for d in reply.datasets)))
    tail += [_citation(c, reply.answer) for c in reply.citations[:CITATIONS_MAX]]
    if reply.sql:
        tail.append(_section(_code("SQL", reply.sql)))
    room = BLOCKS_MAX - len(head) - len(tail)
    body = [_section(chunk) for chunk in _chunks(escape(reply.answer) or "(no answer)", SECTION_MAX, room)]
    return _fallback(reply.answer), [*head, *body, *tail]


def render_notice(text: str) -> tuple[str, list[Block]]:
    """A short message of the bot's own (a question it cannot take, or the store not being ready)."""
    return _fallback(text), [_section(escape(text)[:SECTION_MAX])]


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:SECTION_MAX]}]}


def _fallback(text: str) -> str:
    return text if len(text) <= FALLBACK_MAX else text[: FALLBACK_MAX - len(SHORTENED)] + SHORTENED


def _chunks(text: str, size: int, most: int) -> list[str]:
    """`text` in pieces of at most `size`, broken at paragraphs or sentences; at most `most` pieces."""
    pieces: list[str] = []
    rest = text
    while rest and len(pieces) < most:
        if len(rest) <= size:
            pieces.append(rest)
            rest = ""
            break
        cut = max(rest.rfind("\n", 0, size), rest.rfind(". ", 0, size) + 1)
        cut = cut if cut > size // 2 else rest.rfind(" ", 0, size)
        cut = cut if cut > 0 else size
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces[-1] = pieces[-1][: size - len(SHORTENED)] + SHORTENED
    return pieces


def _code(title: str, text: str) -> str:
    """A titled code block whose whole text fits one section."""
    room = SECTION_MAX - len(title) - 10 - len(SHORTENED)
    body = escape(text)
    if len(body) > room:
        body = body[:room] + SHORTENED
    return f"*{title}*\n```{body}```"


def _tables(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The rows as titled tables, one per shape (an answer may join queries whose rows differ)."""
    shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        shapes.setdefault(tuple(row), []).append(row)
    tables = []
    for columns, group in list(shapes.items())[:TABLES_MAX]:
        # Empty columns and codes say nothing to a reader; the SQL above the table holds them all.
        shown = [c for c in columns if not _hidden(c) and any(r[c] is not None for r in group)] or list(columns)
        if len(group) == 1 and len(shown) > SIDEWAYS_AFTER:  # one wide row reads better down the page
            pairs = [{"column": _heading(c), "value": _cell(v, c not in NOT_AMOUNTS and _is_number(v))}
                     for c, v in ((c, group[0][c]) for c in shown)]
            tables.append(("1 row", _table(pairs, ["column", "value"], headings=False)))
        else:
            tables.append((_rows_title(len(group)), _table(group, shown)))
    return tables


def _hidden(column: str) -> bool:
    """Codes and file names are for the SQL and the CSV; a table shows what a reader reads (as the page does)."""
    return column in {"source_file", "dataset"} or column.endswith("_code")


def _rows_title(count: int) -> str:
    return f"{count:,} row{'s' if count != 1 else ''}" + (f", first {TABLE_ROWS}" if count > TABLE_ROWS else "")


def _table(rows: list[dict[str, Any]], columns: list[str], headings: bool = True) -> str:
    """The first rows as aligned plain-text columns, numbers to the right with thousands separators."""
    first = rows[:TABLE_ROWS]
    numeric = [all(_is_number(r.get(c)) for r in first) and c not in NOT_AMOUNTS for c in columns]
    shown = [[_cell(row.get(c), amount) for c, amount in zip(columns, numeric, strict=True)] for row in first]
    heads = [_heading(c)[:CELL_MAX] for c in columns] if headings else [""] * len(columns)
    widths = [max(len(h), *(len(r[i]) for r in shown)) for i, h in enumerate(heads)]

    def line(values: list[str]) -> str:
        cells = [v.rjust(w) if n else v.ljust(w) for v, w, n in zip(values, widths, numeric, strict=True)]
        return "  ".join(cells).rstrip()

    return "\n".join([line(heads)] * headings + [line(r) for r in shown])


def _heading(column: str) -> str:
    return column.removesuffix("_percent").replace("_", " ") + (" %" if column.endswith("_percent") else "")


def _is_number(value: Any) -> bool:
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


def _cell(value: Any, amount: bool) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif amount and isinstance(value, int):
        text = f"{value:,}"
    elif amount and isinstance(value, float):
        text = f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
    else:
        text = str(value).replace("\n", " ")
    return text if len(text) <= CELL_MAX else text[: CELL_MAX - 1] + "…"


def _dataset(dataset: DatasetOut) -> str:
    """"Source: <url|Title> (Publisher, Licence)"."""
    said = ", ".join(escape(part) for part in (dataset.publisher, dataset.licence) if part)
    return f"Source: {link(dataset.url, dataset.title)}" + (f" ({said})" if said else "")


def _citation(citation: CitationOut, answer: str) -> Block:
    """"[1] <url|Title> · BBC News · 5 May 2018" over the sentence the answer quotes from the passage."""
    about = "".join(f" · {part}" for part in (escape(citation.source or ""), _day(citation.published)) if part)
    quote = _quoted(citation, answer)
    if len(quote) > QUOTE_MAX:
        quote = quote[: QUOTE_MAX - 1] + "…"
    return _context(f"*[{citation.n}] {link(citation.url, citation.title)}*{about}\n> {escape(quote)}")


def _quoted(citation: CitationOut, answer: str) -> str:
    """The words the answer quotes for this citation ("… “quote” [n]"), else the passage's first sentence."""
    found = re.search(r"“([^“”]+)”\s*\[" + str(citation.n) + r"\]", answer)
    if found:
        return f"“{found.group(1)}”"
    return SENTENCE_END.split(citation.text.strip(), maxsplit=1)[0]


def _day(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""

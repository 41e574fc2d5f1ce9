"""Answers as Slack Block Kit messages, inside Slack's limits (3,000 characters a section, 50 blocks)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from api.schemas import ChatResponse, CitationOut

Block = dict[str, Any]
SECTION_MAX = 3000  # characters in a section's text (Block Kit)
BLOCKS_MAX = 50  # blocks in one message
FALLBACK_MAX = 3000  # the notification text; Slack truncates far later, but a notification need not be long
QUOTE_MAX = 500  # characters of a quoted sentence under a citation
CITATIONS_MAX = 10
TABLE_ROWS = 8  # rows of the compact table; the SQL beside it says how to get them all
CELL_MAX = 28
SHORTENED = "… (shortened to fit Slack)"
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def escape(text: str) -> str:
    """Text safe inside mrkdwn: Slack reads &, < and > as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_answer(reply: ChatResponse, asked_by: str | None = None) -> tuple[str, list[Block]]:
    """The notification text and the blocks of an answer: the answer, its route, SQL, rows and citations."""
    head: list[Block] = []
    if asked_by:
        head.append(_context(asked_by))
    tail: list[Block] = [_context(f"read as: {escape(reply.understood)}\nroute: `{reply.route}` · {reply.outcome} · "
                                  f"confidence {reply.confidence:.2f}")]
    if reply.sql:
        tail.append(_section(_code("SQL", reply.sql)))
    if reply.rows:
        tail.append(_section(_code(_rows_title(len(reply.rows)), _table(reply.rows))))
    tail.extend(_citation(c, reply.answer) for c in reply.citations[:CITATIONS_MAX])
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


def _rows_title(count: int) -> str:
    return f"{count} row{'s' if count != 1 else ''}" + (f", first {TABLE_ROWS}" if count > TABLE_ROWS else "")


def _table(rows: list[dict[str, Any]]) -> str:
    """The first rows as aligned plain-text columns, numbers to the right."""
    columns = list(rows[0])
    numeric = [all(isinstance(r.get(c), int | float | None) for r in rows[:TABLE_ROWS]) for c in columns]
    shown = [[_cell(row.get(c)) for c in columns] for row in rows[:TABLE_ROWS]]
    widths = [max(len(c[:CELL_MAX]), *(len(r[i]) for r in shown)) for i, c in enumerate(columns)]

    def line(values: list[str]) -> str:
        cells = [v.rjust(w) if n else v.ljust(w) for v, w, n in zip(values, widths, numeric, strict=True)]
        return "  ".join(cells).rstrip()

    return "\n".join([line([c[:CELL_MAX] for c in columns]), *(line(r) for r in shown)])


def _cell(value: Any) -> str:
    text = "" if value is None else str(value).replace("\n", " ")
    return text if len(text) <= CELL_MAX else text[: CELL_MAX - 1] + "…"


def _citation(citation: CitationOut, answer: str) -> Block:
    """"[1] Title · 5 May 2018" over the sentence the answer quotes from the passage."""
    when = f" · {_day(citation.published)}" if citation.published else ""
    quote = _quoted(citation, answer)
    if len(quote) > QUOTE_MAX:
        quote = quote[: QUOTE_MAX - 1] + "…"
    return _context(f"*[{citation.n}] {escape(citation.title)}*{when}\n> {escape(quote)}")


def _quoted(citation: CitationOut, answer: str) -> str:
    """The words the answer quotes for this citation ("… “quote” [n]"), else the passage's first sentence."""
    found = re.search(r"“([^“”]+)”\s*\[" + str(citation.n) + r"\]", answer)
    if found:
        return f"“{found.group(1)}”"
    return SENTENCE_END.split(citation.text.strip(), maxsplit=1)[0]


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"

"""Sentence templates, hassil-style, compiled to regular expressions: the language lives in data files.

A template is words separated by spaces, with
- `(a|b c)` alternatives (each a sequence of its own), `[a b]` optional words,
- `{name}` any phrase of a named list (each entry itself a template) or a named pattern,
- `word*` a word beginning so ("predict*": predicts, prediction), `=Word` a word in exactly that case,
- `…` up to four words of anything ("the … article": "the 2022 opinion article"); `…3` up to three,
  `…1-4` one to four, `…*` any number.
Words match whole words, case aside; between words any spaces, and a comma, may stand.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

import yaml

SEP = r",?\s+"
GAP = r"(?:,?\s+[\w'’-]+){{{least},{most}}}"  # "…": some words, each after its space
TOKEN = re.compile(r"\(|\)|\[|\]|\||\{\w+\}|…(?:\*|\d+(?:-\d+)?)?|[^\s()\[\]|…]+")


class GrammarError(ValueError):
    """A template that cannot be compiled; the message names it and what is wrong."""


def compile_template(template: str, lists: Mapping[str, Sequence[str]], patterns: Mapping[str, str]) -> str:
    """The regular expression (no anchors) that matches what the template says."""
    tokens = TOKEN.findall(template)
    try:
        source, end = _alternatives(tokens, 0, lists, patterns, closer=None)
        if end != len(tokens):
            raise GrammarError(f"unexpected {tokens[end]!r}")
    except GrammarError as error:
        raise GrammarError(f"template {template!r}: {error}") from None
    return source


def _alternatives(tokens: list[str], i: int, lists: Mapping[str, Sequence[str]], patterns: Mapping[str, str],
                  closer: str | None) -> tuple[str, int]:
    """`a b | c d` up to `closer` (or the end): one group of the sequences."""
    options: list[str] = []
    while True:
        sequence, i = _sequence(tokens, i, lists, patterns)
        options.append(sequence)
        if i < len(tokens) and tokens[i] == "|":
            i += 1
            continue
        if closer is not None:
            if i >= len(tokens) or tokens[i] != closer:
                raise GrammarError(f"missing {closer!r}")
            i += 1
        return (options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"), i


def _sequence(tokens: list[str], i: int, lists: Mapping[str, Sequence[str]],
              patterns: Mapping[str, str]) -> tuple[str, int]:
    """Items until `|`, `)`, `]` or the end, joined by separators; an optional item carries its own."""
    parts: list[str] = []
    leading = True  # every item so far was optional: each then carries the separator after it
    while i < len(tokens) and tokens[i] not in ("|", ")", "]"):
        token = tokens[i]
        if token.startswith("…"):
            least, _, most = token[1:].rpartition("-") if "-" in token else ("0", "", token[1:] or "4")
            most = "" if most == "*" else most  # "…*": any number of words
            parts.append(GAP.format(least=least, most=most))
            leading, i = False, i + 1
            continue
        optional = token == "["
        if token in ("(", "["):
            item, i = _alternatives(tokens, i + 1, lists, patterns, closer="]" if optional else ")")
        else:
            item, i = _word(token, lists, patterns), i + 1
        if optional:
            parts.append(f"(?:{item}{SEP})?" if leading else f"(?:{SEP}{item})?")
        else:
            parts.append(item if leading else SEP + item)
            leading = False
    return "".join(parts), i


def _word(token: str, lists: Mapping[str, Sequence[str]], patterns: Mapping[str, str]) -> str:
    if token.startswith("{") and token.endswith("}"):
        name = token[1:-1]
        if name in patterns:
            return f"(?:{patterns[name]})"
        if name not in lists:
            raise GrammarError(f"no list or pattern called {name!r}")
        return "(?:" + "|".join(compile_template(entry, lists, patterns) for entry in lists[name]) + ")"
    if token.startswith("="):
        return f"(?-i:{re.escape(token[1:])})"
    if token.endswith("*"):
        return re.escape(token[:-1]) + r"\w*"
    return re.escape(token)


def anchored(source: str, at: str) -> re.Pattern[str]:
    """A compiled template: found `anywhere` as whole words, at the `start`, or as the `whole` question."""
    if at == "start":
        return re.compile(rf"^\s*{source}\b", re.I)
    if at == "whole":
        return re.compile(rf"^\s*{source}\s*\??\s*$", re.I)
    if at == "anywhere":
        return re.compile(rf"\b{source}\b", re.I)
    raise GrammarError(f"'at' must be anywhere, start or whole, got {at!r}")


class Grammar:
    """A data file's named lists and patterns, and the phrases compiled with them."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.lists: Mapping[str, Sequence[str]] = data.get("lists", {})
        self.patterns: Mapping[str, str] = data.get("patterns", {})

    def phrases(self, templates: Sequence[str], at: str = "anywhere") -> re.Pattern[str]:
        """Any of the templates, compiled into one pattern found `at` the place said (see `anchored`)."""
        alternatives = "|".join(f"(?:{compile_template(t, self.lists, self.patterns)})" for t in templates)
        return anchored(f"(?:{alternatives})", at)


@cache
def load_grammar(name: str) -> Grammar:
    """A grammar file of the bot package (cues.yaml, reading.yaml)."""
    text = resources.files("bot").joinpath(name).read_text(encoding="utf-8")
    return Grammar(yaml.load(text, Loader=yaml.CSafeLoader))

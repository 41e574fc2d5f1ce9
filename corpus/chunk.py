"""Split articles into sentence-aware passages that fit the embedding model's window."""

from __future__ import annotations

import re
from collections.abc import Callable

import blingfire

from corpus.records import Article, Passage

TokenCounter = Callable[[str], int]
Span = tuple[int, int]

# all-MiniLM-L6-v2 was trained on 128-token inputs: longer passages embed less faithfully.
DEFAULT_MAX_TOKENS = 128
DEFAULT_OVERLAP_TOKENS = 32
WORD = re.compile(r"\S+")


def count_words(text: str) -> int:
    """A tokenizer-free estimate: wordpiece models average about 1.3 tokens per English word."""
    return int(len(WORD.findall(text)) * 1.3) + 1


PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def split_sentences(text: str) -> list[Span]:
    """Character spans of the sentences in `text`, whitespace excluded.

    Paragraph breaks always end a sentence (a headline has no full stop); within a paragraph Bling
    Fire's segmenter decides.
    """
    spans: list[Span] = []
    paragraph_start = 0
    for match in [*PARAGRAPH_BREAK.finditer(text), None]:
        paragraph_end = match.start() if match else len(text)
        paragraph = text[paragraph_start:paragraph_end]
        if paragraph.strip():
            _, offsets = blingfire.text_to_sentences_and_offsets(paragraph)
            spans += [(paragraph_start + s, paragraph_start + e) for s, e in offsets if paragraph[s:e].strip()]
        paragraph_start = match.end() if match else len(text)
    return spans


def chunk_article(
    article: Article,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    overlap_tokens: int = DEFAULT_OVERLAP_TOKENS,
    count_tokens: TokenCounter = count_words,
) -> list[Passage]:
    """Pack whole sentences into passages of at most `max_tokens`, repeating a short tail as overlap.

    Args:
        article: the article to split; passages point into `article.text`.
        max_tokens: the budget per passage, as measured by `count_tokens`.
        overlap_tokens: trailing sentences up to this many tokens start the next passage too.
        count_tokens: counts tokens the way the embedding model will (no special tokens).

    Returns:
        Passages in reading order with `article.text[p.start:p.end] == p.text`.

    Raises:
        ValueError: if the budget is not positive or the overlap does not leave room to advance.
    """
    if max_tokens <= 0:
        raise ValueError(f"max_tokens must be > 0, got {max_tokens}")
    if not 0 <= overlap_tokens < max_tokens:
        raise ValueError(f"overlap_tokens must be in [0, max_tokens), got {overlap_tokens}")
    text = article.text
    units = [
        unit for sentence in split_sentences(text) for unit in _fit_sentence(text, sentence, max_tokens, count_tokens)
    ]
    groups: list[list[tuple[Span, int]]] = []
    current: list[tuple[Span, int]] = []
    for unit in units:
        if current and sum(n for _, n in current) + unit[1] > max_tokens:
            groups.append(current)
            current = _overlap_tail(current, overlap_tokens, room=max_tokens - unit[1])
        current.append(unit)
    if current:
        groups.append(current)
    passages = []
    for ordinal, group in enumerate(groups):
        start, end = group[0][0][0], group[-1][0][1]
        passages.append(Passage(article.id, ordinal, start, end, text[start:end]))
    return passages


def _overlap_tail(group: list[tuple[Span, int]], overlap_tokens: int, room: int) -> list[tuple[Span, int]]:
    """The last sentences of `group` that fit both the overlap and the room left beside the next one."""
    tail: list[tuple[Span, int]] = []
    used = 0
    for unit in reversed(group[1:]):  # never the whole group: a passage must move forward
        used += unit[1]
        if used > min(overlap_tokens, room):
            break
        tail.insert(0, unit)
    return tail


def _fit_sentence(text: str, span: Span, max_tokens: int, count_tokens: TokenCounter) -> list[tuple[Span, int]]:
    """A sentence with its token count; one longer than the budget is cut at word boundaries."""
    start, end = span
    tokens = count_tokens(text[start:end])
    if tokens <= max_tokens:
        return [(span, tokens)]
    pieces: list[tuple[Span, int]] = []
    words = [(start + m.start(), start + m.end()) for m in WORD.finditer(text[start:end])]
    first = 0
    while first < len(words):
        last, size = first, count_tokens(text[words[first][0] : words[first][1]])
        while last + 1 < len(words):
            grown = count_tokens(text[words[first][0] : words[last + 1][1]])
            if grown > max_tokens:
                break
            last, size = last + 1, grown
        pieces.append(((words[first][0], words[last][1]), size))
        first = last + 1
    return pieces

"""A question's text: what is text and what is binary, and the schema's pattern saying the same as the check."""

from __future__ import annotations

import re

import pytest

from bot.text import MAX_QUESTION_CHARS, QUESTION_PATTERN, BadQuestion, check_question

TEXT = [
    "Who won Hartlepool in 2019?",
    "Who won\u200b Hartlepool?",  # zero-width space
    "\ufeffWho won Hartlepool?",  # byte-order mark
    "\u200fמי ניצח?\u200f",  # right-to-left marks
    "\U0001f468\u200d\U0001f469\u200d\U0001f467 family",  # ZWJ sequence
    "Ynys Mo\u0302n",  # a combining accent
    "tabs\tand\nnew\r\nlines",
    "x" * MAX_QUESTION_CHARS,
]
NOT_TEXT = [
    "", "   ", "\n\t", "\u200b\u200b", "\ufeff",  # nothing to read
    "a\x00b", "Who won\x1b[2J?", "bell\x07", "next line\x85", "form\x0cfeed",  # control characters
    "x" * (MAX_QUESTION_CHARS + 1), "Who won Hartlepool?" + " " * MAX_QUESTION_CHARS,  # too long as sent
]


@pytest.mark.parametrize("text", TEXT)
def test_ordinary_unicode_is_a_question(text: str) -> None:
    assert check_question(text)
    assert re.search(QUESTION_PATTERN, text)  # JSON Schema patterns are searched, not matched whole


@pytest.mark.parametrize("text", NOT_TEXT)
def test_what_is_not_a_question_is_refused_by_the_check_and_the_pattern_alike(text: str) -> None:
    with pytest.raises(BadQuestion):
        check_question(text)
    assert len(text) > MAX_QUESTION_CHARS or not re.search(QUESTION_PATTERN, text)


def test_a_lone_surrogate_is_not_unicode() -> None:
    with pytest.raises(BadQuestion, match="lone surrogate, U\\+D800, at character 8"):
        check_question("Labour \ud800 Hull 2018")


def test_the_text_read_is_normalised() -> None:
    assert check_question("  Who\u200b won   Ynys Mo\u0302n?\ufeff ") == "Who won Ynys Môn?"

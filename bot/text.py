"""What counts as a question's text: any Unicode a person can type, up to 2,000 characters, not binary.

Format characters (zero-width spaces, direction marks, a byte-order mark, the joiners inside emoji) are
text; control characters other than tab and newlines, NUL among them, and lone surrogates are not. The
same rule is written once here as a regular expression for the API's schema, so that the schema and the
server agree (tests/bot/test_text.py holds them to it).
"""

from __future__ import annotations

import re
import unicodedata

MAX_QUESTION_CHARS = 2000
CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 and C1 controls but tab, newline and carriage return
# Invisible marks that carry nothing for reading a question, removed before it is read (the joiners stay:
# they are part of emoji and of words in some scripts).
INVISIBLE = r"\u00ad\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
SURROGATE = re.compile(r"[\ud800-\udfff]")
CONTROLS = re.compile(f"[{CONTROL}]")
INVISIBLES = re.compile(f"[{INVISIBLE}]")
# A message: no control character anywhere, and at least one character that is neither space nor invisible.
QUESTION_PATTERN = rf"^[^{CONTROL}]*[^\s{CONTROL}{INVISIBLE}][^{CONTROL}]*$"


class BadQuestion(ValueError):
    """The question is empty, too long or not text."""


def check_question(question: object) -> str:
    """The question as clean text to read (NFC, invisible marks removed, spaces collapsed), or BadQuestion
    saying what is wrong with it as it was sent."""
    if not isinstance(question, str):
        raise BadQuestion(f"a question must be text, got {type(question).__name__}")
    if len(question) > MAX_QUESTION_CHARS:
        raise BadQuestion(f"the question is {len(question):,} characters; the limit is {MAX_QUESTION_CHARS:,}")
    if found := SURROGATE.search(question):
        raise BadQuestion(f"the question is not valid Unicode (a lone surrogate, U+{ord(found.group()):04X}, at "
                          f"character {found.start() + 1}); send UTF-8 text")
    if found := CONTROLS.search(question):
        raise BadQuestion(f"the question contains binary data (control character U+{ord(found.group()):04X} at "
                          f"character {found.start() + 1}); send plain text")
    text = " ".join(INVISIBLES.sub("", unicodedata.normalize("NFC", question)).split())
    if not text:
        raise BadQuestion("the question is empty")
    return text

"""Name keys: the Python twin of the store's `norm_name` macro, and the SQL that cleans council names."""

from __future__ import annotations

import re
import unicodedata

APOSTROPHES = re.compile("['’`]")
NOT_WORD = re.compile(r"[^a-z0-9]+")
POSSESSIVE = re.compile(r"(?<=\w)['’]s\b")

# "Kingston upon Hull, City of" -> "Kingston upon Hull": ONS's inverted style, read as an everyday name.
INVERTED_SUFFIX = r",\s*(City and County|City|County|Borough|Royal Borough) of$"


def normalise_name(text: str) -> str:
    """The alias key of a council, constituency or party name (same result as SQL `norm_name`)."""
    lowered = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(ch for ch in lowered if not unicodedata.combining(ch))
    stripped = APOSTROPHES.sub("", stripped.replace("&", " and "))
    return NOT_WORD.sub(" ", stripped).strip()


def without_possessive(text: str) -> str:
    """ "Lincoln's seats" -> "Lincoln seats", "St Michael's" -> "St Michael": a name read without its 's."""
    return POSSESSIVE.sub("", text)


def clean_name_sql(column: str) -> str:
    """SQL for a council name with ONS's inverted ", City of" suffix dropped."""
    return f"trim(regexp_replace({column}, '{INVERTED_SUFFIX}', '', 'i'))"

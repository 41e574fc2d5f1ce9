"""The article a question points at by its title: "according to the Corbyn in Grimsby article"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.terms import stems_of

# Words that say what kind of writing or whose it is, found in no title worth matching on.
GENERIC = set(stems_of("bbc news opinion analysis critic critics latest earlier same first second previous other "
                       "new recent local national newspaper paper site"))


@dataclass(frozen=True, slots=True)
class Pointer:
    """The article a question names, and the characters of the question that name it."""

    article_id: str
    start: int
    end: int

    def outside(self, text: str) -> str:
        """`text` without the words that name the article: what is asked of it."""
        return f"{text[: self.start]}{text[self.end :]}"


class TitleIndex:
    """Article titles by the stems of their words."""

    def __init__(self, titles: Mapping[str, str]) -> None:
        self._holding: dict[str, set[str]] = {}  # stem -> ids of the articles whose title holds it
        for article_id, title in titles.items():
            for stem in set(stems_of(title)):
                self._holding.setdefault(stem, set()).add(article_id)

    def pointed_at(self, titled: Sequence[tuple[int, int, frozenset[str]]]) -> Pointer | None:
        """The one article whose title holds every word the question names it by, if there is exactly one.

        `titled`: where the question says "the … article" and the stems of the words before the kind of
        writing (Cues.titles)."""
        for start, end, stems in titled:
            wanted = stems - GENERIC
            if not wanted:
                continue  # "the BBC analysis", "this article": no title named
            found = set.intersection(*(self._holding.get(stem, set()) for stem in wanted))
            if len(found) == 1:
                return Pointer(found.pop(), start, end)
        return None

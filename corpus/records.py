"""The records coverage is made of: articles, their passages, and what went wrong reading them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


def hash_text(text: str) -> str:
    """A short content hash of a passage text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Article:
    """One article as read from a file: metadata plus the full text passages point into."""

    id: str
    title: str
    text: str
    published: date | None = None
    source: str | None = None
    url: str | None = None
    path: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    id_given: bool = False  # the id was stated (manifest, front matter, a jsonl "id"), not made from the file name

    @property
    def content_hash(self) -> str:
        """Hash of everything stored about the article, so any change is noticed on re-ingest."""
        payload = json.dumps(
            [self.title, self.text, str(self.published), self.source, self.url, sorted(self.meta.items())],
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Passage:
    """A span of an article's text: `article.text[start:end] == text`."""

    article_id: str
    ordinal: int
    start: int
    end: int
    text: str

    @property
    def id(self) -> str:
        """Stable public id: the article id and the passage's position in it."""
        return f"{self.article_id}#{self.ordinal}"

    @property
    def text_hash(self) -> str:
        """Hash of the passage text, used to reuse embeddings of unchanged passages."""
        return hash_text(self.text)


@dataclass(frozen=True, slots=True)
class ReadProblem:
    """Something wrong with one input file or line; `skipped` says whether the article was lost."""

    path: Path
    message: str
    line: int | None = None
    skipped: bool = True

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else str(self.path)
        return f"{where}: {self.message}"

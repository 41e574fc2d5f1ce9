"""Pydantic models at the HTTP edge; domain records are converted here and nowhere else."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from index.hybrid import SearchHit


class SearchHitOut(BaseModel):
    """One passage found by /search."""

    passage_id: str
    article_id: str
    title: str
    published: date | None
    start: int
    end: int
    text: str
    score: float

    @classmethod
    def from_hit(cls, hit: SearchHit) -> SearchHitOut:
        """Convert a domain hit."""
        passage = hit.stored.passage
        return cls(
            passage_id=passage.id, article_id=passage.article_id, title=hit.stored.title,
            published=hit.stored.published, start=passage.start, end=passage.end, text=passage.text, score=hit.score,
        )


class SearchResponse(BaseModel):
    """The answer of /search."""

    query: str
    hits: list[SearchHitOut]

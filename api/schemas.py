"""Pydantic models at the HTTP edge; domain records are converted here and nowhere else."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.answer import Answer
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


class ChatRequest(BaseModel):
    """A message to the bot, in a conversation (session_id) or starting one (null)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    message: str = Field(description="The question, in plain words (up to 2,000 characters)",
                         examples=["How many seats did Labour win in Hull in 2018?"])
    session_id: str | None = Field(default=None, description="The conversation to continue; null starts one",
                                   examples=[None])


class CitationOut(BaseModel):
    """A numbered pointer into an article."""

    n: int
    article_id: str
    title: str
    published: date | None
    passage_id: str
    start: int
    end: int
    text: str
    score: float


class ChatResponse(BaseModel):
    """The answer contract shared by POST /chat, `hustings ask --json`, Slack and the evaluation suite."""

    session_id: str
    answer: str
    route: Literal["sql", "passages", "hybrid", "none"]
    confidence: float
    citations: list[CitationOut]
    sql: str | None
    rows: list[dict[str, Any]]
    timings_ms: dict[str, float]

    @classmethod
    def from_answer(cls, answer: Answer, session_id: str) -> ChatResponse:
        """The one place a domain Answer becomes the public JSON shape."""
        return cls(
            session_id=session_id,
            answer=answer.text,
            route=answer.route,
            confidence=round(answer.confidence, 3),
            citations=[CitationOut(**{f: getattr(c, f) for f in CitationOut.model_fields}) for c in answer.citations],
            sql=answer.sql,
            rows=list(answer.rows),
            timings_ms={k: round(v, 2) for k, v in answer.timings_ms.items()},
        )

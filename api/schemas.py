"""Pydantic models at the HTTP edge; domain records are converted here and nowhere else."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from bot.answer import Answer, Outcome
from bot.sessions import SESSION_ID
from bot.text import MAX_QUESTION_CHARS, QUESTION_PATTERN
from corpus.catalogue import DatasetEntry, OutletEntry
from index.hybrid import SearchHit


class Problem(BaseModel):
    """What every error reply carries: what is wrong, and the request id to quote when reporting it."""

    detail: str = Field(description="What is wrong, and how to put it right")
    request_id: str | None = Field(description="The X-Request-ID of the request")


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

    # The limits are the domain's (bot/text.py, which gives the 422's message); the schema states them.
    message: str = Field(
        description="The question, in plain words: 1-2,000 characters of text, at least one of them not space; "
        "no control characters but tab and newlines",
        examples=["How many seats did Labour win in Hull in 2018?"],
        json_schema_extra={"minLength": 1, "maxLength": MAX_QUESTION_CHARS, "pattern": QUESTION_PATTERN},
    )
    session_id: str | None = Field(
        default=None, examples=[None],
        description="The conversation to continue: a session_id this server returned. null, or an id it did not "
        "return (or one idle too long), starts a new conversation under a new id",
        json_schema_extra={"pattern": f"^{SESSION_ID.pattern}$"},
    )


class CitationOut(BaseModel):
    """A numbered pointer into an article."""

    n: int
    article_id: str
    title: str
    published: date | None
    source: str | None = Field(description="The outlet that published the article, where known")
    url: str | None = Field(description="The article's address, where the coverage gives one")
    passage_id: str
    start: int
    end: int
    text: str
    score: float


class DatasetOut(BaseModel):
    """A dataset an answer's figures come from (corpus/results/provenance.py)."""

    title: str
    publisher: str | None
    licence: str | None
    url: str | None


class BarOut(BaseModel):
    """One bar of a chart."""

    label: str
    value: float
    party: str | None = Field(description="The party code whose colour the bar takes, or null")


class ChartOut(BaseModel):
    """What a results answer's rows can be drawn as (bot/charts.py): every number is one of the rows'."""

    kind: Literal["bars", "composition"] = Field(
        description="bars: one bar per row; composition: one council's seats, with the line a majority passes")
    measure: str = Field(description="What the bars measure, in words: \"seats held\", \"votes\"")
    title: str = Field(description="The place (or part of the results) and day the bars are of")
    total: float | None = Field(description="The whole the bars are parts of (a council's seats), or null")
    columns: list[str] = Field(description="The columns of `rows` each bar's label and value come from")
    bars: list[BarOut]


class ChatResponse(BaseModel):
    """The answer contract shared by POST /chat, `hustings ask --json`, Slack and the evaluation suite."""

    session_id: str
    answer: str
    route: Literal["sql", "passages", "hybrid", "none"]
    outcome: Outcome = Field(
        description="What kind of reply this is: a figure from the results, a quote from the coverage, both, no "
        "data for that year or place, a clarifying question, a question not understood, or a refusal")
    understood: str = Field(description="What the question was read as, e.g. "
                            "\"seats won · Labour · Kingston upon Hull · 2018 local\"")
    confidence: float
    citations: list[CitationOut]
    sql: str | None
    rows: list[dict[str, Any]]
    datasets: list[DatasetOut] = Field(default_factory=list, description="The datasets the figures come from")
    charts: list[ChartOut] = Field(default_factory=list, description="What the rows can be drawn as")
    timings_ms: dict[str, float]
    # The store generation that answered (sent as a header, not in the body): not part of the contract.
    _generation: str | None = PrivateAttr(default=None)

    @property
    def generation(self) -> str | None:
        return self._generation

    @generation.setter
    def generation(self, value: str | None) -> None:
        self._generation = value

    @classmethod
    def from_answer(cls, answer: Answer, session_id: str) -> ChatResponse:
        """The one place a domain Answer becomes the public JSON shape."""
        return cls(
            session_id=session_id,
            answer=answer.text,
            route=answer.route,
            outcome=answer.outcome,
            understood=answer.understood,
            confidence=round(answer.confidence, 3),
            citations=[CitationOut(**{f: getattr(c, f) for f in CitationOut.model_fields}) for c in answer.citations],
            sql=answer.sql,
            rows=list(answer.rows),
            datasets=[DatasetOut(title=d.title, publisher=d.publisher or None, licence=d.licence, url=d.url)
                      for d in answer.datasets],
            charts=[ChartOut(kind=c.kind, measure=c.measure, title=c.title, total=c.total, columns=list(c.columns),
                             bars=[BarOut(label=b.label, value=b.value, party=b.party) for b in c.bars])
                    for c in answer.charts],
            timings_ms={k: round(v, 2) for k, v in answer.timings_ms.items()},
        )


class SourceDatasetOut(BaseModel):
    """One imported results file, as the dataset it is."""

    file: str
    title: str
    publisher: str | None
    licence: str | None
    url: str | None
    rows: int
    loaded_at: datetime = Field(description="When it was loaded, UTC")
    retrieved: date | None = Field(description="When this copy was obtained (its sidecar's date, else the file's)")
    format: str


class OutletOut(BaseModel):
    """The articles of one outlet."""

    source: str
    articles: int
    with_url: int


class SourcesResponse(BaseModel):
    """Every dataset and article source the bot answers from."""

    datasets: list[SourceDatasetOut]
    articles: list[OutletOut]

    @classmethod
    def from_catalogue(cls, datasets: list[DatasetEntry], outlets: list[OutletEntry]) -> SourcesResponse:
        return cls(datasets=[SourceDatasetOut(**asdict(d)) for d in datasets],
                   articles=[OutletOut(**asdict(o)) for o in outlets])


class ExampleOut(BaseModel):
    """A question the loaded store answers."""

    question: str
    answers_from: Literal["results", "coverage"]


class ExamplesResponse(BaseModel):
    """Questions to offer a reader who has not asked anything yet."""

    examples: list[ExampleOut]

"""The FastAPI application: `create_app()` wires settings, the loaded index and the routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import FastAPI, HTTPException, Query, Request

from api.schemas import SearchHitOut, SearchResponse
from api.settings import Settings
from corpus.store import StoreError
from index.embed import Embedder
from index.generation import IndexOutOfDate
from index.hybrid import PassageIndex


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the model and index load once, at start-up."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.embedder = Embedder.load(settings.model_cache, backend=settings.embed_backend)
        app.state.index = None
        app.state.problem = None
        try:
            app.state.index = PassageIndex.open(settings.data_dir, app.state.embedder)
        except (StoreError, IndexOutOfDate) as error:
            app.state.problem = str(error)  # serve /health so operators can see why
        yield
        if app.state.index is not None:
            app.state.index.close()

    app = FastAPI(title="hustings", summary="Answers about elections from coverage and results.", lifespan=lifespan)

    @app.get("/health")
    def health(request: Request) -> dict[str, object]:
        """Whether the bot can answer, and what its store holds."""
        problem = request.app.state.problem
        if problem:
            raise HTTPException(status_code=503, detail=problem)
        return {"status": "ok", **request.app.state.index.store.coverage_counts()}

    @app.get("/search", response_model=SearchResponse)
    def search(
        request: Request,
        q: Annotated[str, Query(min_length=1, max_length=2000, description="What to look for")],
        k: Annotated[int, Query(ge=1, le=50, description="How many passages")] = 5,
    ) -> SearchResponse:
        """The passages of the coverage that best match `q` (hybrid dense + BM25 search)."""
        index: PassageIndex | None = request.app.state.index
        if index is None:
            raise HTTPException(status_code=503, detail=request.app.state.problem)
        return SearchResponse(query=q, hits=[SearchHitOut.from_hit(h) for h in index.search(q, k)])

    return app


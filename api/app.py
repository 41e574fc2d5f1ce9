"""The FastAPI application: `create_app()` wires settings, the loaded bot, the routes and the error handlers."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import Annotated

import uvicorn
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.chat import BotUnavailable, ChatService
from api.chat import router as chat_router
from api.docs import REDOC_POLICY, add_docs
from api.guard import Gate
from api.problems import documented, problem_response
from api.schemas import ExampleOut, ExamplesResponse, SearchHitOut, SearchResponse, SourcesResponse
from api.settings import Settings
from api.slack import slack_router
from api.stores import open_sessions
from bot.ask import Bot
from bot.sessions import BadSessionId, SessionsUnavailable
from bot.text import BadQuestion
from corpus.catalogue import catalogue
from corpus.generations import current_marker
from corpus.store import StoreError
from index.embed import Embedder
from index.generation import IndexOutOfDate

log = logging.getLogger("hustings.api")
WEB = resources.files("api") / "web"
# The page and its files load nothing from elsewhere, run no inline script and may not be framed.
PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
               "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
UNFRAMED = {b"content-security-policy": PAGE_POLICY.encode(), b"x-frame-options": b"DENY"}
REDOC_UNFRAMED = {b"content-security-policy": REDOC_POLICY.encode(), b"x-frame-options": b"DENY"}


def server_config(
    settings: Settings, host: str | None = None, port: int | None = None, log_level: str = "info"
) -> uvicorn.Config:
    """How `hustings serve` runs the app: X-Forwarded-For names the client only when a trusted proxy sent it."""
    return uvicorn.Config(
        create_app(settings), host=host or settings.host, port=settings.port if port is None else port,
        log_level=log_level, proxy_headers=True, forwarded_allow_ips=settings.forwarded_allow_ips,
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the model, store, index and router load once, at start-up."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        embedder = Embedder.for_questions(settings.model_cache, backend=settings.embed_backend)
        sessions = open_sessions(settings)
        bot, problem = None, None
        try:
            bot = Bot.open(settings.data_dir, embedder)
        except (StoreError, IndexOutOfDate) as error:
            problem = str(error)  # serve /health and the page so operators can see why
        service = ChatService(bot, sessions, problem, opener=lambda: Bot.open(settings.data_dir, embedder),
                              marker=lambda: current_marker(settings.data_dir))
        app.state.chat = service
        stop = service.watch(settings.generation_poll_seconds)  # an ingest's new generation is answered from
        yield
        stop.set()
        if service.bot is not None:
            service.bot.close()
        sessions.close()

    app = FastAPI(title="hustings", summary="Answers about elections from coverage and official results.",
                  lifespan=lifespan, docs_url=None, redoc_url=None)
    add_docs(app)  # served from an installed package, not a CDN
    # Added innermost first: RequestId runs first, so every refusal of the Gate carries the request id.
    app.add_middleware(Gate, api_key=settings.api_key.get_secret_value() if settings.api_key else None,
                       per_minute=settings.rate_limit_per_minute)
    app.add_middleware(RequestId)
    _add_error_handlers(app)
    app.include_router(chat_router)
    app.include_router(slack_router(settings))  # signed by Slack, not behind the API key
    app.mount("/static", StaticFiles(directory=str(WEB)), name="static")

    page_html = (WEB / "index.html").read_text(encoding="utf-8")
    sources_html = (WEB / "sources.html").read_text(encoding="utf-8")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page() -> str:
        """The web chat page."""
        return page_html

    @app.get("/sources.html", response_class=HTMLResponse, include_in_schema=False)
    def sources_page() -> str:
        """Every dataset and article source, as a page (its figures come from GET /sources)."""
        return sources_html

    @app.get("/examples", response_model=ExamplesResponse, responses=documented(500, 503))
    def examples(request: Request) -> ExamplesResponse:
        """Questions the loaded store answers: about a council, a constituency and the coverage it holds."""
        with request.app.state.chat.current() as bot:
            return ExamplesResponse(examples=[ExampleOut(question=e.question, answers_from=e.answers_from)
                                              for e in bot.examples()])

    @app.get("/health", responses=documented(503))
    def health(request: Request) -> dict[str, object]:
        """Whether the bot can answer, what its store holds, and which store generation it answers from."""
        service: ChatService = request.app.state.chat
        service.sessions.check()  # a shared Redis that does not answer: 503, so a balancer sends elsewhere
        with service.current() as bot:
            return {"status": "ok", **bot.store.coverage_counts(),
                    "elections": [e.id for e in bot.gazetteer.elections], "generation": service.loaded,
                    "conversations": service.sessions.kind}

    @app.get("/sources", response_model=SourcesResponse, responses=documented(401, 429, 500, 503))
    def sources(request: Request) -> SourcesResponse:
        """Every results dataset the bot answers from (publisher, licence, rows, when loaded) and every outlet
        its articles come from, with their counts."""
        with request.app.state.chat.current() as bot:
            return SourcesResponse.from_catalogue(*catalogue(bot.store.connection))

    @app.get("/search", response_model=SearchResponse, responses=documented(401, 413, 422, 429, 500, 503))
    def search(
        request: Request,
        q: Annotated[str, Query(min_length=1, max_length=2000, description="What to look for")],
        k: Annotated[int, Query(ge=1, le=50, description="How many passages")] = 5,
    ) -> SearchResponse:
        """The passages of the coverage that best match `q` (hybrid dense + BM25 search)."""
        with request.app.state.chat.current() as bot:
            if bot.index is None:
                raise HTTPException(status_code=503, detail="the store holds no coverage: run `hustings ingest`")
            return SearchResponse(query=q, hits=[SearchHitOut.from_hit(h) for h in bot.index.search(q, k)])

    return app


class RequestId:
    """Give every request an id (or keep the caller's X-Request-ID), echoed in the response headers and logs,
    and every response `nosniff`, with the page's content security policy (ReDoc's a little looser) and no framing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")[:64]
        request_id = given if given.isascii() and given.isprintable() and given else uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id
        extra = {b"x-request-id": request_id.encode(), b"x-content-type-options": b"nosniff",
                 **(REDOC_UNFRAMED if scope["path"] == "/redoc" else UNFRAMED)}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra.items()]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _add_error_handlers(app: FastAPI) -> None:
    """The one place domain errors become HTTP status codes, each with a message saying what is wrong."""

    def problem(status: int, detail: str, request: Request, headers: dict[str, str] | None = None) -> JSONResponse:
        return problem_response(status, detail, getattr(request.state, "request_id", None), headers)

    @app.exception_handler(BadQuestion)
    @app.exception_handler(BadSessionId)
    def bad_input(request: Request, error: Exception) -> JSONResponse:
        return problem(422, str(error), request)

    @app.exception_handler(RequestValidationError)
    def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = error.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return problem(400, "the request body is not valid JSON", request)
        said = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'body'}: {e.get('msg')}"
                         for e in errors)
        return problem(422, said, request)

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        return problem(error.status_code, str(error.detail), request, dict(error.headers or {}))

    @app.exception_handler(BotUnavailable)
    @app.exception_handler(SessionsUnavailable)
    def unavailable(request: Request, error: Exception) -> JSONResponse:
        return problem(503, str(error), request)

    @app.exception_handler(Exception)
    def failed(request: Request, error: Exception) -> JSONResponse:
        request_id = getattr(request.state, "request_id", None)
        log.exception("request %s failed: %s %s", request_id, request.method, request.url.path)
        return problem(500, f"something went wrong answering this; quote request id {request_id} when "
                       "reporting it", request)

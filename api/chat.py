"""Chat: a message and a session id in, the answer contract out; shared by POST /chat and the Slack app."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from fastapi import APIRouter, Request, Response

from api.problems import documented
from api.schemas import ChatRequest, ChatResponse
from api.stores import Sessions
from bot.ask import Bot
from bot.sessions import Channel

log = logging.getLogger("hustings.answer")
GENERATION_HEADER = "X-Hustings-Generation"
router = APIRouter()


class BotUnavailable(RuntimeError):
    """The store or its index cannot be used; the message says how to fix it."""


class ChatService:
    """The loaded bot and the conversations: every interface that chats goes through `reply`.

    The bot is one store generation (corpus/generations.py) with its index: `refresh` opens a newer one when an
    ingest publishes it and swaps it in between answers, so a request is answered wholly from one generation.
    """

    def __init__(self, bot: Bot | None, sessions: Sessions, problem: str | None = None,
                 opener: Callable[[], Bot] | None = None, marker: Callable[[], str | None] | None = None) -> None:
        self.bot = bot
        self.sessions = sessions
        self.problem = problem
        self._open, self._marker = opener, marker
        self.loaded = bot.store.path.name if bot is not None else None  # the generation answering
        # One answer at a time: the bot's DuckDB connection is not shared between threads, and on two
        # cores the embedder and FAISS already use the CPU one question needs.
        self._lock = threading.Lock()

    @contextmanager
    def current(self) -> Iterator[Bot]:
        """The bot, held: no swap happens until the caller is done with it."""
        with self._lock:
            if self.bot is None:
                raise BotUnavailable(self.problem or "the bot is not loaded")
            yield self.bot

    def refresh(self) -> bool:
        """Move to the newest published generation if it is not the one answering; True if it moved.

        The new bot is opened while the old one keeps answering; only the swap waits for the answer in hand.
        A generation that cannot be opened is logged and the old bot kept.
        """
        if self._open is None or self._marker is None:
            return False
        newest = self._marker()
        if newest is None or newest == self.loaded:
            return False
        started = time.perf_counter()
        try:
            fresh = self._open()
        except Exception as error:  # a damaged or half-made generation: keep answering from the one we have
            log.warning(json.dumps({"event": "generation_refused", "generation": newest, "error": str(error)}))
            self.loaded = newest  # tried: not again until another is published
            return False
        with self._lock:
            old, self.bot, self.loaded, self.problem = self.bot, fresh, fresh.store.path.name, None
        if old is not None:
            old.close()
        log.info(json.dumps({"event": "generation", "generation": self.loaded,
                             "seconds": round(time.perf_counter() - started, 3)}))
        return True

    def watch(self, every: float = 0.5) -> threading.Event:
        """Look for a new generation every `every` seconds in a daemon thread; set the returned event to stop."""
        stop = threading.Event()

        def loop() -> None:
            while not stop.wait(every):
                try:
                    self.refresh()
                except Exception:  # never let the watcher die: the next tick tries again
                    log.exception("refreshing the store generation failed")

        threading.Thread(target=loop, name="generation-watch", daemon=True).start()
        return stop

    def reply(self, message: str, session_id: str | None, request_id: str, channel: Channel = "http") -> ChatResponse:
        """Answer `message` in its conversation, remember the turn, and log one line about it.

        Raises:
            BotUnavailable: the store or index cannot answer (say why; nothing else is wrong).
            BadQuestion, BadSessionId: the message or session id is unusable (a 4xx at the edge).
            SessionsUnavailable: the conversations' shared Redis does not answer (a 503).
        """
        with self.current() as bot:
            conversation = self.sessions.load(session_id, channel)
            answer = bot.answer(message, conversation)
            self.sessions.save(conversation, channel)
            generation = bot.store.path.name
        log.info(json.dumps({
            "event": "answer", "request_id": request_id, "channel": channel, "session_id": conversation.session_id,
            "route": answer.route, "confidence": round(answer.confidence, 3),
            "timings_ms": {k: round(v, 2) for k, v in answer.timings_ms.items()},
            "citations": [c.passage_id for c in answer.citations], "sql": answer.sql,
            "resolved": conversation.last.text if conversation.last else None,
        }, ensure_ascii=False))
        response = ChatResponse.from_answer(answer, conversation.session_id)
        response.generation = generation
        return response


@router.post("/chat", response_model=ChatResponse, responses=documented(400, 401, 413, 422, 429, 500, 503))
def chat(body: ChatRequest, request: Request, response: Response) -> ChatResponse:
    """Answer a message about elections.

    Send `session_id: null` to start a conversation and the returned `session_id` with each follow-up
    ("And the Lib Dems?", "What about 2018?", "Why?"). Only ids this server returned continue a
    conversation: any other id (or one idle for longer than the sessions' time to live) starts a new one,
    under the new `session_id` the answer carries. The answer says which route answered it
    (`sql`, `passages`, `hybrid` or `none`), with the SQL and rows behind a figure and numbered
    citations to the exact passages quoted.
    """
    service: ChatService = request.app.state.chat
    reply = service.reply(body.message, body.session_id, request.state.request_id)
    response.headers[GENERATION_HEADER] = reply.generation or ""  # which store generation answered
    return reply

"""Chat: a message and a session id in, the answer contract out; shared by POST /chat and the Slack app."""

from __future__ import annotations

import json
import logging
import threading

from fastapi import APIRouter, Request

from api.problems import documented
from api.schemas import ChatRequest, ChatResponse
from bot.ask import Bot
from bot.sessions import Channel, SessionStore

log = logging.getLogger("hustings.answer")
router = APIRouter()


class BotUnavailable(RuntimeError):
    """The store or its index cannot be used; the message says how to fix it."""


class ChatService:
    """The loaded bot and the conversations: every interface that chats goes through `reply`."""

    def __init__(self, bot: Bot | None, sessions: SessionStore, problem: str | None = None) -> None:
        self.bot = bot
        self.sessions = sessions
        self.problem = problem
        # One answer at a time: the bot's DuckDB connection is not shared between threads, and on two
        # cores the embedder and FAISS already use the CPU one question needs.
        self._lock = threading.Lock()

    def reply(self, message: str, session_id: str | None, request_id: str, channel: Channel = "http") -> ChatResponse:
        """Answer `message` in its conversation, remember the turn, and log one line about it.

        Raises:
            BotUnavailable: the store or index cannot answer (say why; nothing else is wrong).
            BadQuestion, BadSessionId: the message or session id is unusable (a 4xx at the edge).
        """
        if self.bot is None:
            raise BotUnavailable(self.problem or "the bot is not loaded")
        with self._lock:
            conversation = self.sessions.load(session_id, channel)
            answer = self.bot.answer(message, conversation)
            self.sessions.save(conversation, channel)
        log.info(json.dumps({
            "event": "answer", "request_id": request_id, "channel": channel, "session_id": conversation.session_id,
            "route": answer.route, "confidence": round(answer.confidence, 3),
            "timings_ms": {k: round(v, 2) for k, v in answer.timings_ms.items()},
            "citations": [c.passage_id for c in answer.citations], "sql": answer.sql,
            "resolved": conversation.last.text if conversation.last else None,
        }, ensure_ascii=False))
        return ChatResponse.from_answer(answer, conversation.session_id)


@router.post("/chat", response_model=ChatResponse, responses=documented(400, 401, 413, 422, 429, 500, 503))
def chat(body: ChatRequest, request: Request) -> ChatResponse:
    """Answer a message about elections.

    Send `session_id: null` to start a conversation and the returned `session_id` with each follow-up
    ("And the Lib Dems?", "What about 2018?", "Why?"). Only ids this server returned continue a
    conversation: any other id (or one idle for longer than the sessions' time to live) starts a new one,
    under the new `session_id` the answer carries. The answer says which route answered it
    (`sql`, `passages`, `hybrid` or `none`), with the SQL and rows behind a figure and numbered
    citations to the exact passages quoted.
    """
    service: ChatService = request.app.state.chat
    return service.reply(body.message, body.session_id, request.state.request_id)

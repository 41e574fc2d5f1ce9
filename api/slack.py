"""The Slack app: Events API mentions and direct messages, and the /hustings slash command.

Every request is checked against the signing secret before anything is read from it; questions are
recorded and queued, acknowledged at once, and answered in the background (api/slack_reply.py). A thread
is a conversation: its session id is `slack:<team>:<channel>:<thread ts>`, so "And the Lib Dems?" in a
thread follows the question that opened it.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, FastAPI, HTTPException, Request
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from api.problems import documented
from api.settings import Settings
from api.slack_blocks import escape
from api.slack_log import Question, SlackEventLog
from api.slack_reply import EXAMPLE, TIMEOUT, SlackResponder

MAX_AGE = 300  # seconds: Slack's own advice, so a captured request cannot be replayed later
MENTION = re.compile(r"<@[UWB][A-Z0-9]+(?:\|[^>]*)?>")
USER_ID = re.compile(r"[UW][A-Z0-9]{2,20}")
UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]")
NOT_CONFIGURED = ("the Slack app is not configured: set HUSTINGS_SLACK_SIGNING_SECRET and HUSTINGS_SLACK_BOT_TOKEN "
                  "(README, Slack)")


@dataclass(slots=True)
class SlackApp:
    """What the Slack routes need once configured: the verifier, the event log and the responder."""

    verifier: SignatureVerifier
    events: SlackEventLog
    responder: SlackResponder

    def verify(self, body: bytes, headers: Mapping[str, str]) -> None:
        """Refuse (401) a request not signed with our secret, or signed more than five minutes ago."""
        stamp = headers.get("x-slack-request-timestamp", "")
        if not (stamp.isascii() and stamp.isdigit()) or abs(time.time() - int(stamp)) > MAX_AGE:
            raise HTTPException(401, "X-Slack-Request-Timestamp is missing or more than 5 minutes old")
        try:
            valid = self.verifier.is_valid(body, stamp, headers.get("x-slack-signature"))
        except (UnicodeDecodeError, TypeError):  # a body that is not UTF-8, or a signature that is not ASCII
            valid = False  # Slack signs UTF-8 JSON or forms with a hex digest: neither came from Slack
        if not valid:
            raise HTTPException(401, "X-Slack-Signature does not match this app's signing secret")


def slack_router(settings: Settings) -> APIRouter:
    """The /slack routes; they answer 503 until the signing secret and bot token are set."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        secret, token = settings.slack_signing_secret, settings.slack_bot_token
        if not (secret and secret.get_secret_value().strip() and token and token.get_secret_value().strip()):
            app.state.slack = None
            yield
            return
        events = SlackEventLog.open(settings.data_dir)
        # Retries are ours (api/slack_reply.py), with backoff for {"ok": false}, 5xx and 429 alike.
        client = WebClient(token=token.get_secret_value(), base_url=settings.slack_api_base, timeout=TIMEOUT,
                           retry_handlers=[])
        responder = SlackResponder(app.state.chat, events, client)
        responder.recover()  # before any new question, so what was asked first is answered first
        app.state.slack = SlackApp(SignatureVerifier(secret.get_secret_value()), events, responder)
        try:
            yield
        finally:
            responder.close()
            events.close()

    router = APIRouter(prefix="/slack", tags=["slack"], lifespan=lifespan,
                       responses=documented(400, 401, 413, 500, 503))

    @router.post("/events")
    async def events(request: Request) -> dict[str, Any]:
        """Slack's Events API: `app_mention` and `message.im` are answered in their thread.

        Signed requests only (X-Slack-Signature, at most 5 minutes old). Acknowledged at once; the answer
        follows through chat.postMessage. Bots' messages and events already handled are ignored.
        """
        slack = _configured(request)
        body = await request.body()
        slack.verify(body, request.headers)
        payload = _json(body)
        if payload.get("type") == "url_verification":
            return {"challenge": payload.get("challenge", "")}
        if payload.get("type") != "event_callback":
            return {"ok": True, "ignored": f"not an event callback: {payload.get('type')!r}"}
        question, why_not = _question_from_event(payload)
        if question is None:
            return {"ok": True, "ignored": why_not}
        kind = "app_mention" if payload["event"].get("type") == "app_mention" else "message.im"
        if slack.events.claim(question, kind):
            slack.responder.submit(question)
        elif not slack.responder.in_hand(question.event_id):
            retry = request.headers.get("x-slack-retry-num")
            return {"ok": True, "ignored": f"already handled (retry {retry})" if retry else "already handled"}
        return {"ok": True, "answering": question.event_id}  # a retry of one still being answered is taken too

    @router.post("/commands")
    async def commands(request: Request) -> dict[str, Any]:
        """The `/hustings <question>` slash command: acknowledged privately at once, answered at response_url."""
        slack = _configured(request)
        body = await request.body()
        slack.verify(body, request.headers)
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}
        text, response_url = _unescape(form.get("text", "")).strip(), form.get("response_url", "")
        if not text:
            return _ephemeral(f"Ask me about UK elections, e.g. `{form.get('command') or '/hustings'} {EXAMPLE}`")
        if not response_url:
            raise HTTPException(400, "the command has no response_url")
        team, channel, user = form.get("team_id", "-"), form.get("channel_id", "-"), form.get("user_id", "-")
        asker = user if USER_ID.fullmatch(user) else None  # named in the answer as <@user>, so only a real id
        event_id = f"command:{form.get('trigger_id') or uuid.uuid4().hex}"
        # No thread here: one conversation per person per channel, so `/hustings And the Lib Dems?` follows on.
        question = Question(event_id=event_id, text=text, session_id=_session(team, channel, f"cmd-{user}"),
                            response_url=response_url, user=asker)
        if slack.events.claim(question, "command"):
            slack.responder.submit(question)
        return _ephemeral(f"Looking into “{escape(text[:200])}”…")

    return router


def _configured(request: Request) -> SlackApp:
    slack: SlackApp | None = getattr(request.app.state, "slack", None)
    if slack is None:
        raise HTTPException(503, NOT_CONFIGURED)
    return slack


def _json(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise HTTPException(400, f"the request body is not JSON: {error}") from error
    if not isinstance(payload, dict):
        raise HTTPException(400, "the request body is not a JSON object")
    return payload


def _question_from_event(payload: dict[str, Any]) -> tuple[Question | None, str]:
    """The question an event asks, or None and why it is not one to answer."""
    event = payload.get("event")
    if not isinstance(event, dict):
        return None, "no event"
    kind = event.get("type")
    direct = kind == "message" and event.get("channel_type") == "im"
    if kind != "app_mention" and not direct:
        return None, f"not a mention or direct message: {kind!r}"
    ourselves = {a.get("user_id") for a in payload.get("authorizations") or [] if isinstance(a, dict)}
    if event.get("bot_id") or event.get("subtype") == "bot_message" or event.get("user") in ourselves - {None}:
        return None, "a bot's message"
    if event.get("subtype") or not event.get("user"):
        return None, f"not a person's new message: {event.get('subtype')!r}"
    channel, ts = str(event.get("channel", "")), str(event.get("ts", ""))
    team = str(payload.get("team_id") or event.get("team") or "-")
    # A mention is answered in a thread (its own, or the one it is in); a direct message outside a thread
    # is answered in the conversation, which is then the whole DM.
    thread = event.get("thread_ts") or (ts if kind == "app_mention" else None)
    event_id = str(payload.get("event_id") or f"{team}:{channel}:{ts}")
    question = Question(event_id=event_id, text=_plain(str(event.get("text", ""))),
                        session_id=_session(team, channel, thread or "dm"), channel=channel, thread_ts=thread)
    return question, ""


def _plain(text: str) -> str:
    """A message's words without mentions of the bot, and with Slack's escapes undone."""
    return " ".join(_unescape(MENTION.sub(" ", text)).split())


def _unescape(text: str) -> str:
    """Undo Slack's escapes of &, < and > (it sends them so in messages and commands alike)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _session(team: str, channel: str, thread: str) -> str:
    return UNSAFE.sub("_", f"slack:{team}:{channel}:{thread}")[:128]


def _ephemeral(text: str) -> dict[str, Any]:
    return {"response_type": "ephemeral", "text": text}

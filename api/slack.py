"""The Slack app: mentions, direct messages and the /hustings slash command, over HTTP or Socket Mode.

Slack reaches the bot by one of two doors: signed HTTP requests to /slack/events and /slack/commands (a
public address), or a WebSocket the bot opens itself (Socket Mode, api/slack_socket.py; no public address).
Both hand their payloads to the same two methods of `SlackApp`, so a question is recorded, deduplicated,
queued and answered in the background (api/slack_reply.py) the same way whichever door it came by. A thread
is a conversation: its session id is `slack:<team>:<channel>:<thread ts>`, so "And the Lib Dems?" in a
thread follows the question that opened it.
"""

from __future__ import annotations

import json
import logging
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

from api.chat import ChatService
from api.problems import documented
from api.settings import Settings
from api.slack_blocks import escape
from api.slack_log import Question
from api.slack_reply import EXAMPLE, TIMEOUT, SlackResponder
from api.stores import EventLog, open_event_log

log = logging.getLogger("hustings.slack")
MAX_AGE = 300  # seconds: Slack's own advice, so a captured request cannot be replayed later
MENTION = re.compile(r"<@[UWB][A-Z0-9]+(?:\|[^>]*)?>")
USER_ID = re.compile(r"[UW][A-Z0-9]{2,20}")
UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]")
NOT_CONFIGURED = ("the Slack app is not configured: set HUSTINGS_SLACK_SIGNING_SECRET and HUSTINGS_SLACK_BOT_TOKEN "
                  "(README, Slack)")
NOT_ENABLED = "hustings is not enabled in this channel: ask in one where it is, or in a direct message"


class BadCommand(ValueError):
    """A slash command Slack would never send (no response_url to answer at)."""


@dataclass(slots=True)
class SlackApp:
    """What both doors need: the event log, the responder, the channel allow list and (HTTP) the verifier."""

    events: EventLog
    responder: SlackResponder
    channels: frozenset[str] = frozenset()  # empty: every channel
    verifier: SignatureVerifier | None = None  # None: no signing secret, so the HTTP door is shut

    def verify(self, body: bytes, headers: Mapping[str, str]) -> None:
        """Refuse (401) a request not signed with our secret, or signed more than five minutes ago."""
        stamp = headers.get("x-slack-request-timestamp", "")
        if not (stamp.isascii() and stamp.isdigit()) or abs(time.time() - int(stamp)) > MAX_AGE:
            raise HTTPException(401, "X-Slack-Request-Timestamp is missing or more than 5 minutes old")
        try:
            valid = self.verifier is not None and self.verifier.is_valid(body, stamp, headers.get("x-slack-signature"))
        except (UnicodeDecodeError, TypeError):  # a body that is not UTF-8, or a signature that is not ASCII
            valid = False  # Slack signs UTF-8 JSON or forms with a hex digest: neither came from Slack
        if not valid:
            raise HTTPException(401, "X-Slack-Signature does not match this app's signing secret")

    def allows(self, channel: str | None) -> bool:
        """Whether the bot answers in this channel (HUSTINGS_SLACK_CHANNELS)."""
        if not self.channels or channel in self.channels:
            return True
        # A direct message follows the list only once the operator lists one; until then DMs stay open, since
        # a DM's id is per person and cannot be known ahead.
        return bool(channel and channel.startswith("D")) and not any(c.startswith("D") for c in self.channels)

    def take_event(self, payload: Mapping[str, Any], retry: str | None = None) -> dict[str, Any]:
        """An Events API payload, from either door: a question is claimed and queued; returns what was done."""
        if payload.get("type") != "event_callback":
            return {"ok": True, "ignored": f"not an event callback: {payload.get('type')!r}"}
        question, why_not = question_from_event(payload)
        if question is None:
            return {"ok": True, "ignored": why_not}
        if not self.allows(question.channel):
            return {"ok": True, "ignored": f"channel {question.channel} is not on HUSTINGS_SLACK_CHANNELS"}
        kind = "app_mention" if payload["event"].get("type") == "app_mention" else "message.im"
        if self.events.claim(question, kind):
            self.responder.submit(question)
        elif not self.responder.in_hand(question.event_id):
            return {"ok": True, "ignored": f"already handled (retry {retry})" if retry else "already handled"}
        return {"ok": True, "answering": question.event_id}  # a retry of one still being answered is taken too

    def take_command(self, form: Mapping[str, str]) -> dict[str, Any]:
        """A slash command's fields, from either door: queued for an answer at its response_url; returns the
        private acknowledgement.

        Raises:
            BadCommand: the command has text but no response_url.
        """
        team, channel, user = form.get("team_id", "-"), form.get("channel_id", "-"), form.get("user_id", "-")
        if not self.allows(channel):
            return _ephemeral(NOT_ENABLED)
        text, response_url = _unescape(form.get("text", "")).strip(), form.get("response_url", "")
        if not text:
            return _ephemeral(f"Ask me about UK elections, e.g. `{form.get('command') or '/hustings'} {EXAMPLE}`")
        if not response_url:
            raise BadCommand("the command has no response_url")
        asker = user if USER_ID.fullmatch(user) else None  # named in the answer as <@user>, so only a real id
        event_id = f"command:{form.get('trigger_id') or uuid.uuid4().hex}"
        # No thread here: one conversation per person per channel, so `/hustings And the Lib Dems?` follows on.
        question = Question(event_id=event_id, text=text, session_id=_session(team, channel, f"cmd-{user}"),
                            response_url=response_url, user=asker)
        if self.events.claim(question, "command"):
            self.responder.submit(question)
        return _ephemeral(f"Looking into “{escape(text[:200])}”…")

    def close(self) -> None:
        """Finish what is queued, then close the event log."""
        self.responder.close()
        self.events.close()


def open_slack(settings: Settings, chat: ChatService) -> SlackApp | None:
    """The Slack app over a data directory, with what a stopped server left unanswered queued first; None when
    the settings open neither door."""
    secret, token, app_token = (_secret(settings.slack_signing_secret), _secret(settings.slack_bot_token),
                                _secret(settings.slack_app_token))
    if not token:
        if app_token:
            log.warning("HUSTINGS_SLACK_APP_TOKEN is set but HUSTINGS_SLACK_BOT_TOKEN is not: Slack is off")
        return None
    if not (secret or app_token):
        return None
    events = open_event_log(settings)
    # Retries are ours (api/slack_reply.py), with backoff for {"ok": false}, 5xx and 429 alike.
    client = WebClient(token=token, base_url=settings.slack_api_base, timeout=TIMEOUT, retry_handlers=[])
    responder = SlackResponder(chat, events, client)
    responder.keep_recovering()
    channels = frozenset(c for c in settings.slack_channels.split(",") if c)
    return SlackApp(events, responder, channels, SignatureVerifier(secret) if secret else None)


def slack_router(settings: Settings) -> APIRouter:
    """The /slack routes (503 until the signing secret and bot token are set), and Socket Mode when the app
    token is set, started and stopped with the app."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from api.slack_socket import SlackSocket  # here, not above: that module builds on this one's SlackApp

        slack = open_slack(settings, app.state.chat)
        app_token = _secret(settings.slack_app_token)
        socket = SlackSocket(slack, app_token, settings.slack_api_base).start() if slack and app_token else None
        app.state.slack, app.state.slack_socket = slack, socket
        try:
            yield
        finally:
            if socket is not None:
                socket.close()  # first, so nothing new arrives while the queue is finished
            if slack is not None:
                slack.close()

    router = APIRouter(prefix="/slack", tags=["slack"], lifespan=lifespan,
                       responses=documented(400, 401, 413, 500, 503))

    @router.post("/events")
    async def events(request: Request) -> dict[str, Any]:
        """Slack's Events API: `app_mention` and `message.im` are answered in their thread.

        Signed requests only (X-Slack-Signature, at most 5 minutes old). Acknowledged at once; the answer
        follows through chat.postMessage. Bots' messages, events already handled and channels not on
        HUSTINGS_SLACK_CHANNELS are ignored.
        """
        slack = _configured(request)
        body = await request.body()
        slack.verify(body, request.headers)
        payload = _json(body)
        if payload.get("type") == "url_verification":
            return {"challenge": payload.get("challenge", "")}
        return slack.take_event(payload, request.headers.get("x-slack-retry-num"))

    @router.post("/commands")
    async def commands(request: Request) -> dict[str, Any]:
        """The `/hustings <question>` slash command: acknowledged privately at once, answered at response_url."""
        slack = _configured(request)
        body = await request.body()
        slack.verify(body, request.headers)
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}
        try:
            return slack.take_command(form)
        except BadCommand as error:
            raise HTTPException(400, str(error)) from error

    return router


def _configured(request: Request) -> SlackApp:
    slack: SlackApp | None = getattr(request.app.state, "slack", None)
    if slack is None or slack.verifier is None:
        raise HTTPException(503, NOT_CONFIGURED)
    return slack


def _secret(value: Any) -> str | None:
    raw = value.get_secret_value().strip() if value is not None else ""
    return raw or None


def _json(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise HTTPException(400, f"the request body is not JSON: {error}") from error
    if not isinstance(payload, dict):
        raise HTTPException(400, "the request body is not a JSON object")
    return payload


def question_from_event(payload: Mapping[str, Any]) -> tuple[Question | None, str]:
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

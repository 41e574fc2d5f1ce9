"""Answering Slack in the background: the question asked of the chat service, the reply posted with backoff.

Slack wants its acknowledgement within 3 seconds, so the routes only record and queue a question (the
record, api/slack_log.py, outlives a crash: `recover` picks up what a stopped server left undone). One
thread answers questions in the order they came (the chat service answers one at a time anyway, and a
thread's follow-up must not overtake the question it follows); a few others post the replies, so a slow
or failing Slack delays no one else's answer. A conversation's replies are posted in the order they were
answered: each waits for the post before it in the same conversation.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from api.chat import BotUnavailable, ChatService
from api.slack_blocks import Block, escape, render_answer, render_notice
from api.slack_log import Question, Reply
from api.stores import EventLog
from bot.sessions import BadSessionId
from bot.text import BadQuestion

log = logging.getLogger("hustings.slack")
DELAYS = (1.0, 2.0, 4.0)  # seconds before each retry of a post: four tries over about seven seconds
RETRY_AFTER_MAX = 30.0  # the longest a 429's Retry-After may hold a post back
TIMEOUT = 10  # seconds for one post
# Seconds between looks for questions a stopped server left: with replicas sharing one log (Redis), a killed
# replica's questions are finished by one still running, not only by the next to start.
RECOVER_EVERY = 5.0
EXAMPLE = "How many seats did Labour win in Hull in 2018?"


class PostFailed(Exception):
    """Slack did not take a post; `retry_after` is how long it asked us to wait (429), if it said."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class SlackResponder:
    """Answers queued Slack questions and posts the replies, recording each outcome in the event log."""

    def __init__(self, chat: ChatService, events: EventLog, client: WebClient | None,
                 delays: Sequence[float] = DELAYS) -> None:
        self.chat = chat
        self.events = events
        self.client = client
        self.delays = tuple(delays)
        self._answering = ThreadPoolExecutor(max_workers=1, thread_name_prefix="slack-answer")
        self._posting = ThreadPoolExecutor(max_workers=4, thread_name_prefix="slack-post")
        # Each conversation's latest post, which its next one waits for; touched by the answering thread only.
        # (No deadlock: the pool is first in, first out, so a post starts before any that waits for it.)
        self._last_post: dict[str, Future[None]] = {}
        self._in_hand: set[str] = set()  # events queued or posting in this process
        self._in_hand_lock = threading.Lock()
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    def submit(self, question: Question, reply: Reply | None = None) -> None:
        """Queue a question (or, given its reply, only the post); returns at once."""
        with self._in_hand_lock:
            self._in_hand.add(question.event_id)
        self._answering.submit(self._answer, question, reply)

    def in_hand(self, event_id: str) -> bool:
        """Whether this process is answering or posting the event now."""
        with self._in_hand_lock:
            return event_id in self._in_hand

    def recover(self) -> int:
        """Queue what a server stopped before finishing left undone, in the order it was asked; how many."""
        pending = self.events.pending()
        for question, reply in pending:
            self.submit(question, reply)
        if pending:
            log.warning("slack: %d questions left unanswered or unposted by the last run are being finished",
                        len(pending))
        return len(pending)

    def keep_recovering(self, every: float = RECOVER_EVERY) -> None:
        """Recover now (before any new question, so what was asked first is answered first), then every
        `every` seconds until `close`."""
        self.recover()
        self._watcher = threading.Thread(target=self._watch, args=(every,), name="slack-recover", daemon=True)
        self._watcher.start()

    def close(self) -> None:
        """Finish what is queued (answers and their retries), then stop."""
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=30)
        self._answering.shutdown(wait=True)
        self._posting.shutdown(wait=True)

    def _watch(self, every: float) -> None:
        while not self._stop.wait(every):
            try:
                self.recover()
            except Exception:  # the log away for a moment (Redis restarting): the next look may reach it
                log.exception("slack: looking for questions left by a stopped server failed")

    def _answer(self, question: Question, reply: Reply | None) -> None:
        if reply is None:
            reply = self._reply(question)
            self.events.answered(question.event_id, reply)
        before = self._last_post.get(question.session_id)
        self._last_post = {session: post for session, post in self._last_post.items() if not post.done()}
        self._last_post[question.session_id] = self._posting.submit(
            self._deliver, question, reply.text, reply.blocks, before)

    def _reply(self, question: Question) -> Reply:
        """The answer to a question as Slack blocks, or a notice saying why there is none."""
        try:
            answer = self.chat.reply(question.text, question.session_id, f"slack-{question.event_id}", channel="slack")
            asked = f"<@{question.user}> asked: {escape(question.text)}" if question.user else None
            text, blocks = render_answer(answer, asked_by=asked)
        except (BadQuestion, BadSessionId) as error:
            text, blocks = render_notice(f"{error}. Ask me about UK elections, e.g. “{EXAMPLE}”")
        except BotUnavailable as error:
            log.error("slack event %s: the bot cannot answer: %s", question.event_id, error)
            text, blocks = render_notice("I can't answer questions just now: my store of results and coverage "
                                         "is not ready. The people who run me have been told.")
        except Exception:
            log.exception("slack event %s: answering failed", question.event_id)
            text, blocks = render_notice("Something went wrong answering that. Please try again later.")
        return Reply(text, blocks)

    def _deliver(self, question: Question, text: str, blocks: list[Block], before: Future[None] | None) -> None:
        """Post the reply once the conversation's previous reply is out, retrying with backoff; record it as
        answered or, after the last try, failed."""
        if before is not None:
            wait([before])  # however that one ended, this one goes after it
        post = self._post_to_url if question.response_url else self._post_to_thread
        attempts, error = deliver(lambda: post(question, text, blocks), self.delays)
        if error is None:
            self.events.finish(question.event_id, "answered", attempts)
        else:
            log.error("slack event %s: reply not delivered after %d tries: %s", question.event_id, attempts, error)
            self.events.finish(question.event_id, "failed", attempts, error)
        with self._in_hand_lock:
            self._in_hand.discard(question.event_id)

    def _post_to_thread(self, question: Question, text: str, blocks: list[Block]) -> None:
        if self.client is None:
            raise PostFailed("no bot token: set HUSTINGS_SLACK_BOT_TOKEN")
        try:
            self.client.chat_postMessage(channel=question.channel or "", thread_ts=question.thread_ts, text=text,
                                         blocks=blocks, unfurl_links=False, unfurl_media=False)
        except SlackApiError as error:
            response = error.response
            said = response.data.get("error") if isinstance(response.data, dict) else None
            raise PostFailed(f"chat.postMessage: HTTP {response.status_code}, {said or 'no error given'}",
                             _retry_after(response.headers)) from error

    def _post_to_url(self, question: Question, text: str, blocks: list[Block]) -> None:
        webhook = WebhookClient(question.response_url or "", timeout=TIMEOUT, retry_handlers=[])
        response = webhook.send(text=text, blocks=blocks, response_type="in_channel", replace_original=False)
        if response.status_code != 200:
            raise PostFailed(f"response_url: HTTP {response.status_code}, {response.body[:200]!r}",
                             _retry_after(response.headers))


def deliver(post: Callable[[], None], delays: Sequence[float]) -> tuple[int, str | None]:
    """Call `post` until it succeeds, waiting `delays[i]` (or a longer Retry-After) before retry i.

    Returns:
        How many tries were made, and None on success or the last error's message.
    """
    error = "never tried"
    for attempt in range(len(delays) + 1):
        try:
            post()
            return attempt + 1, None
        except PostFailed as failed:
            error, wait = str(failed), failed.retry_after
        except Exception as failed:  # network down, DNS, timeouts: as retryable as a 5xx
            error, wait = f"{type(failed).__name__}: {failed}", None
        if attempt < len(delays):
            log.warning("slack post failed (try %d): %s", attempt + 1, error)
            time.sleep(max(delays[attempt], min(wait or 0.0, RETRY_AFTER_MAX)))
    return len(delays) + 1, error


def _retry_after(headers: dict[str, object] | dict[str, list[str]]) -> float | None:
    for key, value in (headers or {}).items():
        if key.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return float(str(raw))
            except ValueError:
                return None
    return None

"""Socket Mode: the bot opens a WebSocket to Slack itself, so a newsroom behind a firewall needs no public URL.

slack_sdk's built-in client does the connection: apps.connections.open (at `slack_api_base`, with the
app-level `xapp-` token) gives a WebSocket address, Slack sends envelopes down it, and the client pings,
notices a dropped or stale connection and opens a new one. Each envelope is handed to the same `SlackApp`
methods the HTTP routes use (api/slack.py), then acknowledged with its envelope_id; the answer follows
through chat.postMessage or the command's response_url, as over HTTP.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading

from fastapi import FastAPI
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from api.slack import BadCommand, SlackApp

log = logging.getLogger("hustings.slack.socket")
PING_SECONDS = 5.0  # the client's ping; a connection silent for four of them is taken as dropped
FIRST_RETRY, LAST_RETRY = 1.0, 60.0  # seconds between tries of the first connection, doubling
TIMEOUT = 10  # seconds for apps.connections.open
# apps.connections.open errors no retry mends: the token is wrong, so say so once and stop.
FATAL = {"invalid_auth", "not_authed", "not_allowed_token_type", "account_inactive", "token_revoked"}


class SlackSocket:
    """A Socket Mode connection feeding envelopes to a `SlackApp`; `start` connects in the background."""

    def __init__(self, slack: SlackApp, app_token: str, api_base: str) -> None:
        self.slack = slack
        self.given_up: str | None = None  # why the connection will not be tried again, if it will not
        self._closed = threading.Event()
        self._client = SocketModeClient(
            app_token=app_token, logger=log, ping_interval=PING_SECONDS, auto_reconnect_enabled=True,
            web_client=WebClient(base_url=api_base, timeout=TIMEOUT))
        self._client.socket_mode_request_listeners.append(self._on_request)

    def start(self) -> SlackSocket:
        """Connect in a thread, so a slow or unreachable Slack does not hold up the server's start."""
        threading.Thread(target=self._connect, name="slack-socket-connect", daemon=True).start()
        return self

    def connected(self) -> bool:
        """Whether the WebSocket is open now."""
        return self._client.is_connected()

    def close(self) -> None:
        """Close the connection; envelopes being handed over finish first."""
        self._closed.set()
        self._client.close()

    def _connect(self) -> None:
        """The first connection, tried until it opens; after it the client's own monitor reconnects."""
        delay = FIRST_RETRY
        while not self._closed.is_set():
            try:
                self._client.connect()
                return
            except SlackApiError as error:
                said = error.response.get("error") if isinstance(error.response.data, dict) else None
                if said in FATAL:
                    self.given_up = (f"apps.connections.open refused the app-level token ({said}): set "
                                     "HUSTINGS_SLACK_APP_TOKEN to an xapp- token with connections:write")
                    log.error("slack socket: %s", self.given_up)
                    return
                log.warning("slack socket: apps.connections.open failed (%s); trying again in %.0f s", said, delay)
            except Exception as error:  # Slack unreachable: a network that comes back is worth waiting for
                log.warning("slack socket: cannot connect (%s); trying again in %.0f s", error, delay)
            self._closed.wait(delay)
            delay = min(delay * 2, LAST_RETRY)

    def _on_request(self, client: BaseSocketModeClient, request: SocketModeRequest) -> None:
        """Hand an envelope over, then acknowledge it. Handing over records the question first, as the HTTP
        route does before it answers 200; if it raises, no acknowledgement goes and Slack sends it again."""
        payload: dict[str, object] | None = None
        if request.type == "events_api":
            done = self.slack.take_event(request.payload, _retry(request))
            log.debug("slack socket: envelope %s: %s", request.envelope_id, done)
        elif request.type == "slash_commands":
            fields = {str(k): str(v) for k, v in request.payload.items()}
            try:
                payload = self.slack.take_command(fields)
            except BadCommand as error:  # said to the person, privately
                payload = {"response_type": "ephemeral", "text": str(error)}
        # Anything else (interactivity, which this app does not ask for) is acknowledged so it is not resent.
        client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id, payload=payload))


def _retry(request: SocketModeRequest) -> str | None:
    return str(request.retry_attempt) if request.retry_attempt else None


def run_alone(app: FastAPI) -> str | None:
    """Run the app's start-up and shut-down with no HTTP server: Slack over Socket Mode only, until SIGINT
    or SIGTERM. Returns why it stopped early (no socket, or a token Slack refused), else None."""

    async def run() -> str | None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, stop.set)
        async with app.router.lifespan_context(app):
            socket: SlackSocket | None = getattr(app.state, "slack_socket", None)
            if socket is None:
                return "Socket Mode is off: set HUSTINGS_SLACK_APP_TOKEN and HUSTINGS_SLACK_BOT_TOKEN"
            while not stop.is_set() and socket.given_up is None:
                with_timeout = asyncio.wait_for(stop.wait(), timeout=0.5)
                try:
                    await with_timeout
                except TimeoutError:
                    pass
            return socket.given_up

    return asyncio.run(run())

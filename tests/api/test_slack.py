"""The Slack app over real HTTP: a stand-in for Slack's Web API and response_url on loopback records every post."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import yaml
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.app import create_app
from api.schemas import ChatResponse, CitationOut
from api.settings import Settings
from api.slack_blocks import BLOCKS_MAX, SECTION_MAX, render_answer
from corpus.results import import_results_files
from corpus.store import Store
from index.build import ingest
from index.embed import Embedder
from tests.api.fake_slack import (
    BOT_USER,
    DEADLINE,
    FAST,
    SEQUENCE,
    TOKEN,
    FakeSlack,
    event,
    new_ts,
    reply_to,
    running_slack,
    signed,
    slack_client,
    texts,
)
from tests.conftest import MODEL_CACHE

SAMPLE = Path(__file__).resolve().parents[2] / "corpus" / "sample"


@pytest.fixture(scope="module")
def data_dir(real_embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's own sample: articles and results, as `make sample` ingests them."""
    directory = tmp_path_factory.mktemp("slack")
    with Store.open(directory) as store:
        _, errors = import_results_files(store, sorted((SAMPLE / "results").glob("*.csv")))
    assert not errors
    ingest([SAMPLE / "articles"], directory, real_embedder)
    return directory


@pytest.fixture(scope="module")
def slack() -> Iterator[FakeSlack]:
    yield from running_slack()


def slack_app(data_dir: Path, slack: FakeSlack) -> TestClient:
    return slack_client(data_dir, slack)


@pytest.fixture(scope="module")
def client(data_dir: Path, slack: FakeSlack) -> Iterator[TestClient]:
    with slack_app(data_dir, slack) as test_client:
        test_client.app.state.slack.responder.delays = FAST  # type: ignore[attr-defined]
        yield test_client


def send(client: TestClient, payload: dict[str, Any], retry: str | None = None) -> dict[str, Any]:
    """Post a signed event; check it is acknowledged within Slack's 3 seconds."""
    body = json.dumps(payload).encode()
    started = time.monotonic()
    response = client.post("/slack/events", content=body,
                           headers={"Content-Type": "application/json", **signed(body, retry=retry)})
    assert response.status_code == 200, response.text
    assert time.monotonic() - started < 3.0  # Slack's limit for the acknowledgement
    result: dict[str, Any] = response.json()
    return result


def wait_status(client: TestClient, event_id: str, status: str) -> Any:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        record = client.app.state.slack.events.get(event_id)  # type: ignore[attr-defined]
        if record is not None and record.status == status:
            return record
        time.sleep(0.02)
    raise AssertionError(f"{event_id} never became {status}")


def test_a_signed_mention_is_answered_in_its_thread_with_blocks(client: TestClient, slack: FakeSlack) -> None:
    ts = new_ts()
    ack = send(client, event(f"<@{BOT_USER}> How many seats did Labour win in Hull in 2018?", ts))
    assert ack["answering"]
    [post] = slack.wait_for(reply_to(ts))
    assert post.headers["Authorization"] == f"Bearer {TOKEN}" and post.body["channel"] == "C0NEWS"
    said = texts(post)
    assert "Labour won 31 of the 57 seats" in said and "route: `sql`" in said
    assert "```SELECT" in said and "seats_won" in said  # the SQL and the compact table of its rows
    assert all(len(b["text"]["text"]) <= SECTION_MAX for b in post.body["blocks"] if "text" in b)
    assert "31 of the 57" in post.body["text"]  # the notification fallback
    wait_status(client, ack["answering"], "answered")


def test_coverage_answers_cite_title_date_and_quote(client: TestClient, slack: FakeSlack) -> None:
    ts = new_ts()
    send(client, event(f"<@{BOT_USER}> Why did the Lib Dems advance in Hull in 2018?", ts))
    [post] = slack.wait_for(reply_to(ts))
    citations = [b for b in post.body["blocks"] if b["type"] == "context" and b["elements"][0]["text"].startswith("*[")]
    assert citations and "5 May 2018" in citations[0]["elements"][0]["text"]
    assert "> “" in citations[0]["elements"][0]["text"]  # the sentence the answer quotes


def test_a_follow_up_in_the_thread_uses_the_same_conversation(client: TestClient, slack: FakeSlack) -> None:
    first, second = new_ts(), new_ts()
    send(client, event(f"<@{BOT_USER}> How many seats did Labour win in Hull in 2018?", first))
    slack.wait_for(reply_to(first))
    send(client, event(f"<@{BOT_USER}> And the Lib Dems?", second, thread_ts=first))
    posts = slack.wait_for(reply_to(first), n=2)
    assert "Liberal Democrats won 24 of the 57 seats" in texts(posts[1])


def test_direct_messages_are_answered_and_followed_up_in_the_dm(client: TestClient, slack: FakeSlack) -> None:
    dm = f"D{next(SEQUENCE)}"
    send(client, event("How many seats did Labour win in Hull in 2018?", new_ts(), kind="message", channel=dm))
    send(client, event("And the Lib Dems?", new_ts(), kind="message", channel=dm))
    posts = slack.wait_for(lambda p: p.body.get("channel") == dm, n=2)
    assert "thread_ts" not in posts[0].body  # a DM outside a thread is answered in the DM itself
    assert "Labour won 31" in texts(posts[0]) and "Liberal Democrats won 24" in texts(posts[1])


def test_a_conversations_replies_keep_their_order_when_one_post_is_retried(
    client: TestClient, slack: FakeSlack
) -> None:
    responder = client.app.state.slack.responder  # type: ignore[attr-defined]
    responder.delays = (0.5, 0.5, 0.5)  # the first reply waits long enough for the second to overtake it
    slack.fail("/api/chat.postMessage", (500, {}, b"busy"))
    dm = f"D{next(SEQUENCE)}"
    try:
        send(client, event("How many seats did Labour win in Hull in 2018?", new_ts(), kind="message", channel=dm))
        send(client, event("And the Lib Dems?", new_ts(), kind="message", channel=dm))
        refused, *posted = slack.wait_for(lambda p: p.body.get("channel") == dm, n=3)
    finally:
        responder.delays = FAST
    assert "Labour won 31" in texts(refused)  # its first try, answered 500
    assert ["Labour won 31" in texts(posted[0]), "Liberal Democrats won 24" in texts(posted[1])] == [True, True]


def test_a_retry_is_not_answered_twice_even_after_a_restart(
    client: TestClient, slack: FakeSlack, data_dir: Path
) -> None:
    ts = new_ts()
    payload = event(f"<@{BOT_USER}> Who won Hartlepool in 2019?", ts)
    assert send(client, payload)["answering"]
    retried = send(client, payload, retry="1")  # taken while it is being answered, ignored once it has been
    assert retried.get("answering") == payload["event_id"] or retried["ignored"].startswith("already handled")
    with slack_app(data_dir, slack) as restarted:
        retried = send(restarted, payload, retry="2")
        assert retried["ignored"].startswith("already handled")
        # Answers go in the order questions came: once a later question is answered, a second answer to
        # the first would have been posted already.
        later = new_ts()
        send(restarted, event(f"<@{BOT_USER}> Who won Blyth Valley in 2019?", later))
        slack.wait_for(reply_to(later))
    assert len(slack.matching(reply_to(ts))) == 1


def test_messages_from_bots_and_from_itself_are_ignored(client: TestClient, slack: FakeSlack) -> None:
    ts = [new_ts() for _ in range(4)]
    assert send(client, event("Who won Hartlepool in 2019?", ts[0], bot_id="B0OTHER"))["ignored"] == "a bot's message"
    assert send(client, event("Hartlepool?", ts[1], kind="message", user=BOT_USER))["ignored"] == "a bot's message"
    assert send(client, event("x", ts[2], kind="message", subtype="bot_message"))["ignored"] == "a bot's message"
    later = ts[3]
    send(client, event(f"<@{BOT_USER}> Who won Hartlepool in 2019?", later))
    slack.wait_for(reply_to(later))
    assert not slack.matching(lambda p: p.body.get("thread_ts") in ts[:3] or p.body.get("ts") in ts[:3])


def test_bad_signatures_and_stale_requests_are_refused(client: TestClient, slack: FakeSlack) -> None:
    body = json.dumps(event(f"<@{BOT_USER}> Who won Hartlepool in 2019?", new_ts())).encode()
    forged = client.post("/slack/events", content=body, headers=signed(body, secret="not-the-secret"))
    stale = client.post("/slack/events", content=body, headers=signed(body, stamp=int(time.time()) - 301))
    unsigned = client.post("/slack/events", content=body)
    assert (forged.status_code, stale.status_code, unsigned.status_code) == (401, 401, 401)
    assert "5 minutes" in stale.json()["detail"] and "signing secret" in forged.json()["detail"]
    tampered = client.post("/slack/events", content=body + b" ", headers=signed(body))
    assert tampered.status_code == 401


def test_url_verification_returns_the_challenge(client: TestClient) -> None:
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    payload = {"type": "url_verification", "challenge": challenge, "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl"}
    assert send(client, payload) == {"challenge": challenge}


def test_the_slash_command_acknowledges_privately_and_answers_at_response_url(
    client: TestClient, slack: FakeSlack
) -> None:
    hook = f"/hooks/T0PAPER/{next(SEQUENCE)}"
    form = urlencode({"command": "/hustings", "text": "How many seats did Labour win in Hull in 2018?",
                      "team_id": "T0PAPER", "channel_id": "C0NEWS", "user_id": "U0EDITOR",
                      "response_url": slack.url + hook, "trigger_id": f"trig{next(SEQUENCE)}"}).encode()
    response = client.post("/slack/commands", content=form,
                           headers={"Content-Type": "application/x-www-form-urlencoded", **signed(form)})
    assert response.status_code == 200 and response.json()["response_type"] == "ephemeral"
    [post] = slack.wait_for(lambda p: p.path == hook)
    assert post.body["response_type"] == "in_channel" and "Labour won 31 of the 57 seats" in texts(post)
    assert "<@U0EDITOR> asked" in texts(post)


def test_an_empty_slash_command_gets_help_and_nothing_is_posted(client: TestClient) -> None:
    form = urlencode({"command": "/hustings", "text": " ", "response_url": "http://127.0.0.1:9/never"}).encode()
    response = client.post("/slack/commands", content=form, headers=signed(form))
    assert response.status_code == 200 and "/hustings How many seats" in response.json()["text"]


def test_web_api_errors_are_retried_then_recorded_as_failed(client: TestClient, slack: FakeSlack) -> None:
    refused = (200, {"Content-Type": "application/json"}, b'{"ok": false, "error": "channel_not_found"}')
    slack.fail("/api/chat.postMessage", *[refused] * 4)
    ts = new_ts()
    ack = send(client, event(f"<@{BOT_USER}> Who won Hartlepool in 2019?", ts))
    record = wait_status(client, ack["answering"], "failed")
    assert record.attempts == 4 and "channel_not_found" in (record.detail or "")
    assert len(slack.matching(reply_to(ts))) == 4


def test_server_errors_and_rate_limits_are_retried_until_slack_takes_the_reply(
    client: TestClient, slack: FakeSlack
) -> None:
    broken = (500, {"Content-Type": "text/html"}, b"<html>Internal Server Error</html>")
    limited = (429, {"Content-Type": "application/json", "Retry-After": "0"}, b'{"ok": false, "error": "ratelimited"}')
    slack.fail("/api/chat.postMessage", broken, limited, broken)
    ts = new_ts()
    ack = send(client, event(f"<@{BOT_USER}> Who won Hartlepool in 2019?", ts))
    assert wait_status(client, ack["answering"], "answered").attempts == 4
    assert len(slack.matching(reply_to(ts))) == 4


def test_a_response_url_that_keeps_failing_is_recorded_as_failed(client: TestClient, slack: FakeSlack) -> None:
    hook = f"/hooks/T0PAPER/{next(SEQUENCE)}"
    slack.fail(hook, *[(503, {}, b"unavailable")] * 4)
    trigger = f"trig{next(SEQUENCE)}"
    form = urlencode({"text": "Who won Hartlepool in 2019?", "response_url": slack.url + hook,
                      "trigger_id": trigger}).encode()
    assert client.post("/slack/commands", content=form, headers=signed(form)).status_code == 200
    record = wait_status(client, f"command:{trigger}", "failed")
    assert record.attempts == 4 and "503" in (record.detail or "")


def test_without_configuration_slack_answers_503_and_the_rest_works(data_dir: Path) -> None:
    settings = Settings(data_dir=data_dir, model_cache=MODEL_CACHE, slack_signing_secret=None, slack_bot_token=None)
    with TestClient(create_app(settings)) as bare:
        for path in ("/slack/events", "/slack/commands"):
            response = bare.post(path, content=b"{}")
            assert response.status_code == 503 and "HUSTINGS_SLACK_SIGNING_SECRET" in response.json()["detail"]
        assert bare.get("/health").status_code == 200


def test_long_answers_fit_slacks_limits() -> None:
    citation = CitationOut(n=1, article_id="a", title="T & <b>", published=date(2022, 5, 6), source=None, url=None,
                           passage_id="a#1", start=0, end=10, text="One. Two.", score=0.5)
    reply = ChatResponse(session_id="s", answer="A long sentence about seats. " * 8000, route="hybrid", confidence=0.5,
                         outcome="both", understood="seats won · Labour",
                         citations=[citation] * 20, sql="SELECT 1 " * 1000,
                         rows=[{"party": "Labour" * 20, "seats": n} for n in range(200)], timings_ms={})
    fallback, blocks = render_answer(reply)
    assert len(blocks) <= BLOCKS_MAX and len(fallback) <= 3000
    for block in blocks:
        for text in [block["text"]["text"]] if "text" in block else [e["text"] for e in block["elements"]]:
            assert len(text) <= SECTION_MAX
    answer = [b["text"]["text"] for b in blocks if b["type"] == "section" and not b["text"]["text"].startswith("*")]
    assert len(blocks) == BLOCKS_MAX and answer[-1].endswith("(shortened to fit Slack)")
    assert blocks[-1]["text"]["text"].startswith("*SQL*") and "T &amp; &lt;b&gt;" in blocks[-2]["elements"][0]["text"]


def test_the_manifest_subscribes_to_what_the_app_answers(client: TestClient) -> None:
    manifest = yaml.safe_load((Path(__file__).resolve().parents[2] / "api" / "slack_manifest.yaml").read_text())
    events = manifest["settings"]["event_subscriptions"]
    assert events["bot_events"] == ["app_mention", "message.im"] and events["request_url"].endswith("/slack/events")
    assert manifest["features"]["slash_commands"][0]["url"].endswith("/slack/commands")
    assert manifest["settings"]["socket_mode_enabled"] is False  # README: true for Socket Mode
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"app_mentions:read", "chat:write", "commands", "im:history"} <= scopes
    assert {"/slack/events", "/slack/commands"} <= set(client.get("/openapi.json").json()["paths"])


def test_a_bare_mention_gets_a_short_note_on_what_to_ask(client: TestClient, slack: FakeSlack) -> None:
    ts = new_ts()
    ack = send(client, event(f"<@{BOT_USER}>", ts))
    [post] = slack.wait_for(reply_to(ts))
    assert "the question is empty" in texts(post) and "Ask me about UK elections" in texts(post)
    wait_status(client, ack["answering"], "answered")


def test_the_allow_list_keeps_the_bot_to_its_channels_over_http(data_dir: Path, slack: FakeSlack) -> None:
    with slack_client(data_dir, slack, slack_channels="C0NEWS, C0DESK") as listed:
        listed.app.state.slack.responder.delays = FAST  # type: ignore[attr-defined]
        elsewhere, here = new_ts(), new_ts()
        ignored = send(listed, event(f"<@{BOT_USER}> Who won Hartlepool in 2019?", elsewhere, channel="C0SPORT"))
        assert ignored["ignored"] == "channel C0SPORT is not on HUSTINGS_SLACK_CHANNELS"
        hook = f"/hooks/T0PAPER/{next(SEQUENCE)}"
        form = urlencode({"command": "/hustings", "text": "Who won Hartlepool in 2019?", "channel_id": "C0SPORT",
                          "response_url": slack.url + hook, "trigger_id": f"trig{next(SEQUENCE)}"}).encode()
        refused = listed.post("/slack/commands", content=form, headers=signed(form)).json()
        assert refused["response_type"] == "ephemeral" and refused["text"].startswith(
            "hustings is not enabled in this channel")
        dm = f"D{next(SEQUENCE)}"  # no DM listed: direct messages stay open
        send(listed, event("Who won Hartlepool in 2019?", new_ts(), kind="message", channel=dm))
        send(listed, event(f"<@{BOT_USER}> Who won Hartlepool in 2019?", here, channel="C0DESK"))
        slack.wait_for(reply_to(here))
        slack.wait_for(lambda p: p.body.get("channel") == dm)
    assert not slack.matching(reply_to(elsewhere)) and not slack.matching(lambda p: p.path == hook)


def test_listing_a_direct_message_closes_the_others(data_dir: Path, slack: FakeSlack) -> None:
    with slack_client(data_dir, slack, slack_channels="C0NEWS,D0EDITOR") as listed:
        other = send(listed, event("Who won Hartlepool in 2019?", new_ts(), kind="message", channel="D0SOMEONE"))
        assert other["ignored"] == "channel D0SOMEONE is not on HUSTINGS_SLACK_CHANNELS"
        assert send(listed, event("Who won Hartlepool in 2019?", new_ts(), kind="message", channel="D0EDITOR"))[
            "answering"]


def test_channel_names_in_the_allow_list_are_refused_with_how_to_find_the_id() -> None:
    with pytest.raises(ValidationError, match="channel ids such as C0123ABCD.*not names: got '#newsroom'"):
        Settings(slack_channels="C0NEWS,#newsroom")
    assert Settings(slack_channels=" C0NEWS , ,G0PRIVATE").slack_channels == "C0NEWS,G0PRIVATE"

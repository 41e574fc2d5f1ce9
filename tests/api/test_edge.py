"""What a careless or hostile client can send, over real HTTP on loopback: odd text, huge bodies, guessed keys."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.sessions import SessionStore
from tests.api.conftest import sample_settings, serving

pytestmark = pytest.mark.model
QUESTION = "Who won Hartlepool in 2019?"


def post_raw(base: str, body: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.post(f"{base}/chat", content=body, timeout=60,
                      headers={"Content-Type": "application/json", **(headers or {})})


def test_a_lone_surrogate_is_refused_before_any_work(live_server: str, sample_dir: Path) -> None:
    before = SessionStore.open(sample_dir).count()
    response = post_raw(live_server, b'{"message": "Labour \\ud800 Hull 2018", "session_id": null}')
    assert response.status_code == 422 and "surrogate" in response.json()["detail"]
    assert response.json()["request_id"] == response.headers["x-request-id"]
    assert SessionStore.open(sample_dir).count() == before  # nothing was answered, nothing stored


def test_a_body_past_the_limit_is_refused_with_413_before_it_is_read(live_server: str) -> None:
    padded = b'{"message": "' + QUESTION.encode() + b" " * 10_000_000 + b'"}'
    response = post_raw(live_server, padded)
    assert response.status_code == 413 and "larger than" in response.json()["detail"]


def test_a_chunked_body_past_the_limit_is_refused_too(live_server: str) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"message": "' + QUESTION.encode()
        for _ in range(200):
            yield b" " * 65_536
        yield b'"}'

    response = httpx.post(f"{live_server}/chat", content=chunks(), timeout=60,
                          headers={"Content-Type": "application/json"})
    assert response.status_code == 413


def test_the_message_limit_counts_what_was_sent_not_what_is_left_after_spaces(live_server: str) -> None:
    response = httpx.post(f"{live_server}/chat", json={"message": QUESTION + " " * 3000}, timeout=60)
    assert response.status_code == 422 and "3,027 characters; the limit is 2,000" in response.json()["detail"]


@pytest.mark.parametrize("message", [
    "Who won\u200b\u200b\u200b Hartlepool in 2019?",  # zero-width spaces pasted from a web page
    "\ufeffWho won Hartlepool in 2019?",  # a byte-order mark
    "\u200fמי ניצח בהרטלפול ב-2019?\u200f Who won Hartlepool in 2019?",  # right-to-left marks in Hebrew
    "Who won Hartlepool in 2019? \U0001f468\u200d\U0001f469\u200d\U0001f467",  # the family emoji (ZWJ sequence)
])
def test_ordinary_unicode_is_text_not_binary(live_server: str, message: str) -> None:
    response = httpx.post(f"{live_server}/chat", json={"message": message}, timeout=60)
    assert response.status_code == 200, response.text
    assert response.json()["route"] == "sql" and "Hartlepool" in response.json()["answer"]


def test_control_characters_are_binary(live_server: str) -> None:
    response = httpx.post(f"{live_server}/chat", json={"message": "Who won\x1b[2J Hartlepool?"}, timeout=60)
    assert response.status_code == 422 and "U+001B at character 8" in response.json()["detail"]


@pytest.fixture(scope="module")
def keyed(sample_dir: Path) -> Iterator[str]:
    with serving(sample_settings(sample_dir, api_key="s3cret")) as base:
        yield base


def test_wrong_api_keys_are_counted_per_client_and_then_refused(sample_dir: Path) -> None:
    with serving(sample_settings(sample_dir, api_key="s3cret")) as base, httpx.Client(base_url=base) as client:
        guesses = [client.post("/chat", json={"message": QUESTION}, headers={"X-API-Key": f"guess{n}"}).status_code
                   for n in range(30)]
        assert guesses[:10] == [401] * 10 and set(guesses[10:]) == {429}
        locked = client.post("/chat", json={"message": QUESTION}, headers={"X-API-Key": "s3cret"})
        assert locked.status_code == 429  # a guesser learns nothing from the right key while locked out
        assert locked.json()["detail"].endswith(f"try again in {locked.headers['retry-after']} s")


def test_authorization_needs_the_bearer_scheme(keyed: str) -> None:
    bare = httpx.post(f"{keyed}/chat", json={"message": QUESTION}, headers={"Authorization": "s3cret"})
    bearer = httpx.post(f"{keyed}/chat", json={"message": QUESTION}, headers={"Authorization": "Bearer s3cret"},
                        timeout=60)
    assert bare.status_code == 401 and "Authorization: Bearer" in bare.json()["detail"]
    assert bearer.status_code == 200


def test_the_key_is_checked_before_the_body_is_read(keyed: str) -> None:
    not_json = post_raw(keyed, b'{"message": ')
    too_big = post_raw(keyed, b" " * 1_000_000)
    assert (not_json.status_code, too_big.status_code) == (401, 401)
    assert not_json.json()["request_id"] == not_json.headers["x-request-id"]


def test_the_page_sets_a_content_security_policy_and_cannot_be_framed(live_server: str) -> None:
    for path in ("/", "/static/app.js", "/health"):
        headers = httpx.get(live_server + path, timeout=30).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "default-src 'none'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"


def test_a_rate_limited_reply_says_what_retry_after_says(sample_dir: Path) -> None:
    # At 120 a minute a token comes back every half second: the reply said "0 s" while Retry-After said 1.
    with serving(sample_settings(sample_dir, rate_limit_per_minute=120)) as base, httpx.Client(base_url=base) as client:
        # Each request spends a token and is then refused for lacking q (422); on a slow machine a token may
        # come back while the 120 are sent, so go on until the limiter refuses.
        replies = (client.get("/search") for _ in range(240))
        refused = next(reply for reply in replies if reply.status_code != 422)
    assert refused.status_code == 429 and refused.headers["retry-after"] == "1"
    assert refused.json()["detail"] == "rate limit reached: try again in 1 s"


def test_errors_outside_answering_carry_the_request_id_too(live_server: str) -> None:
    for response in (httpx.get(f"{live_server}/nowhere"), httpx.post(f"{live_server}/slack/events", content=b"{}")):
        body = response.json()
        assert response.status_code in (404, 503) and body["request_id"] == response.headers["x-request-id"]


def test_the_openapi_document_states_the_limits_and_the_error_bodies(live_server: str) -> None:
    spec = httpx.get(f"{live_server}/openapi.json").json()
    message = spec["components"]["schemas"]["ChatRequest"]["properties"]["message"]
    assert (message["minLength"], message["maxLength"]) == (1, 2000) and message["pattern"]
    responses = spec["paths"]["/chat"]["post"]["responses"]
    assert {"200", "400", "401", "413", "422", "429", "500", "503"} <= set(responses)
    for status in ("400", "413", "422"):
        assert responses[status]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Problem"}
    assert "HTTPValidationError" not in spec["components"]["schemas"]

"""POST /chat through `create_app()`: the contract, conversations, limits and errors."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.api.conftest import sample_settings

pytestmark = pytest.mark.model
CONTRACT = {"session_id", "answer", "route", "outcome", "understood", "confidence", "citations", "sql", "rows",
            "datasets", "charts", "timings_ms"}


@pytest.fixture(scope="module")
def client(sample_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(sample_settings(sample_dir))) as test_client:
        yield test_client


def chat(client: TestClient, message: object, session_id: str | None = None) -> dict:
    response = client.post("/chat", json={"message": message, "session_id": session_id})
    assert response.status_code == 200, response.text
    return response.json()


def test_a_factual_answer_follows_the_contract(client: TestClient) -> None:
    body = chat(client, "How many seats did Labour win in Hull in 2018?")
    assert set(body) == CONTRACT
    assert body["route"] == "sql" and "31 of the 57 seats" in body["answer"]
    assert body["sql"].startswith("SELECT") and body["rows"][0]["seats_won"] == 31
    assert body["citations"] == [] and body["timings_ms"]["total"] > 0 and len(body["session_id"]) == 24
    assert body["outcome"] == "figure" and body["understood"] == "seats won · Labour · Kingston upon Hull · 2018 local"
    assert body["datasets"] == [{"title": "LEAP: Local Elections Archive Project", "publisher": "Andrew Teale",
                                 "licence": "CC BY-SA 3.0", "url": "https://www.andrewteale.me.uk/leap/"}]
    assert "(source: Andrew Teale, LEAP: Local Elections Archive Project, CC BY-SA 3.0" in body["answer"]


@pytest.mark.parametrize(("question", "outcome"), [
    ("How many seats did Labour win in Hull in 2018?", "figure"),
    ("How many seats did Labour win in Hull in 2031?", "no_data"),
    ("Why did the Lib Dems take control of Hull in 2022?", "quote"),
    ("What is the capital of France?", "refused"),
    ("And the Lib Dems?", "clarify"),  # a follow-up with nothing to follow
])
def test_every_answer_says_what_kind_of_reply_it_is(client: TestClient, question: str, outcome: str) -> None:
    assert chat(client, question)["outcome"] == outcome


def test_an_interpretive_answer_cites_real_passages(client: TestClient) -> None:
    body = chat(client, "Why did the Lib Dems take control of Hull in 2022?")
    assert body["route"] in {"passages", "hybrid"} and body["citations"]
    first = body["citations"][0]
    assert set(first) == {"n", "article_id", "title", "published", "source", "url", "passage_id", "start", "end",
                          "text", "score"}
    assert first["n"] == 1 and "[1]" in body["answer"] and first["end"] - first["start"] == len(first["text"])


def test_a_session_threads_follow_ups(client: TestClient) -> None:
    first = chat(client, "Who controls Barnet after 2022?")
    second = chat(client, "And in 2018?", first["session_id"])
    assert second["session_id"] == first["session_id"]
    assert "the Conservatives controlled Barnet" in second["answer"]


def test_sessions_are_kept_apart(client: TestClient) -> None:
    labour = chat(client, "How many seats did Labour win in Hull in 2018?")
    other = chat(client, "Who controls Trafford after 2022?")
    assert "Liberal Democrats won 24" in chat(client, "And the Lib Dems?", labour["session_id"])["answer"]
    assert "Trafford" in chat(client, "And in 2018?", other["session_id"])["answer"]


def test_a_conversation_survives_a_restart(sample_dir: Path) -> None:
    with TestClient(create_app(sample_settings(sample_dir))) as before:
        session = chat(before, "How many seats did Labour win in Hull in 2018?")["session_id"]
    with TestClient(create_app(sample_settings(sample_dir))) as after:
        assert "Liberal Democrats won 24" in chat(after, "And the Lib Dems?", session)["answer"]


@pytest.mark.parametrize(("body", "status", "says"), [
    ({"message": "", "session_id": None}, 422, "empty"),
    ({"message": "   ", "session_id": None}, 422, "empty"),
    ({"message": "x" * 2001, "session_id": None}, 422, "limit is 2,000"),
    ({"message": "a\x00b\x01c\x02", "session_id": None}, 422, "binary"),
    ({"message": 42, "session_id": None}, 422, "message: Input should be a valid string"),
    ({"session_id": None}, 422, "message: Field required"),
    ({"message": "hi", "session_id": 7}, 422, "session_id"),
    ({"message": "hi", "session_id": "no spaces please"}, 422, "session_id must be"),
    ({"message": "hi", "colour": "red"}, 422, "colour"),
])
def test_bad_requests_get_a_4xx_that_says_what_is_wrong(client: TestClient, body: dict, status: int, says: str) -> None:
    response = client.post("/chat", json=body)
    assert response.status_code == status and says in response.json()["detail"]


def test_a_body_that_is_not_json_gets_400(client: TestClient) -> None:
    response = client.post("/chat", content=b'{"message": ', headers={"content-type": "application/json"})
    assert response.status_code == 400 and "not valid JSON" in response.json()["detail"]


def test_sql_in_a_question_is_just_text(client: TestClient) -> None:
    body = chat(client, "How many seats did Labour win in Hull in 2018'; DROP TABLE parties; --")
    assert "DROP" not in (body["sql"] or "")
    assert chat(client, "How many seats did Labour win in Hull in 2018?")["rows"][0]["seats_won"] == 31


def test_every_answer_is_logged_as_one_json_line(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="hustings.answer"):
        response = client.post("/chat", json={"message": "Who won Hartlepool in 2019?", "session_id": None},
                               headers={"X-Request-ID": "req-123"})
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "hustings.answer"]
    assert len(lines) == 1 and response.headers["x-request-id"] == "req-123"
    line = lines[0]
    assert line["request_id"] == "req-123" and line["session_id"] == response.json()["session_id"]
    assert line["route"] == "sql" and line["sql"].startswith("SELECT") and "total" in line["timings_ms"]
    assert {"confidence", "citations"} <= set(line)


def test_an_api_key_when_set_is_required(sample_dir: Path) -> None:
    with TestClient(create_app(sample_settings(sample_dir, api_key="s3cret"))) as keyed:
        message = {"message": "Who won Hartlepool in 2019?", "session_id": None}
        assert keyed.post("/chat", json=message).status_code == 401
        assert keyed.post("/chat", json=message, headers={"X-API-Key": "wrong"}).status_code == 401
        assert keyed.post("/chat", json=message, headers={"X-API-Key": "s3cret"}).status_code == 200
        assert keyed.post("/chat", json=message, headers={"Authorization": "Bearer s3cret"}).status_code == 200
        assert keyed.get("/health").status_code == 200 and keyed.get("/").status_code == 200


def test_a_client_over_the_rate_limit_gets_429(sample_dir: Path) -> None:
    with TestClient(create_app(sample_settings(sample_dir, rate_limit_per_minute=3))) as limited:
        message = {"message": "Who won Hartlepool in 2019?", "session_id": None}
        statuses = [limited.post("/chat", json=message).status_code for _ in range(5)]
        assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
        refused = limited.post("/chat", json=message)
        assert int(refused.headers["retry-after"]) >= 1 and "rate limit" in refused.json()["detail"]


def test_a_failure_inside_answering_is_a_500_with_a_request_id_and_the_server_keeps_serving(
    sample_dir: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    with TestClient(create_app(sample_settings(sample_dir)), raise_server_exceptions=False) as failing:
        bot = failing.app.state.chat.bot  # type: ignore[attr-defined]
        real_answer = bot.answer

        def broken(question: str, conversation: object = None) -> object:
            if "explode" in question:
                raise RuntimeError("the answerer broke")
            return real_answer(question, conversation)

        monkeypatch.setattr(bot, "answer", broken)
        with caplog.at_level(logging.ERROR, logger="hustings.api"):
            response = failing.post("/chat", json={"message": "please explode", "session_id": None})
        assert response.status_code == 500
        request_id = response.json()["request_id"]
        assert request_id and request_id in response.json()["detail"]
        assert any(request_id in r.getMessage() and r.exc_info for r in caplog.records)
        after = failing.post("/chat", json={"message": "Who won Hartlepool in 2019?", "session_id": None})
        assert after.status_code == 200


def test_the_openapi_document_describes_chat(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/chat" in spec["paths"] and "ChatResponse" in spec["components"]["schemas"]
    assert client.get("/docs").status_code == 200


@pytest.mark.parametrize(("question", "route", "outcome", "says"), [
    # A forecast gets the latest result as a fact, and a plain word that the bot does not forecast.
    ("Will the Tories keep Barnet at the next election?", "sql", "figure",
     ["Labour controlled Barnet with 41 of the 63 seats", "I don't forecast elections"]),
    ("how many seats will labour win in hull in 2026", "sql", "figure",
     ["Labour won 9 of the 19 seats", "I don't forecast elections"]),
    ("Will Labour win the next general election?", "sql", "figure",
     ["Labour won 202 of the 650 seats", "I don't forecast elections"]),
    ("Who should I vote for in Barnet?", "none", "refused", ["I don't give opinions or say whom to vote for"]),
    # A figure the results cannot give is said to be so, with what was read, not answered with a near quote
    # (the results hold no council's electorate)...
    ("What was the electorate of Trafford council in 2018?", "none", "not_understood",
     ["I read this as: electorate · Trafford · 2018 local", "I can't answer that from the results"]),
    # ...and one they can give is given: a ranking of constituencies.
    ("Which constituency had the lowest turnout in 2017?", "sql", "figure", ["Kingston upon Hull East 55.5%"]),
    # ...but a quoted sentence that gives the figure asked, of the place and year asked, may stand in for it.
    ("What was the turnout in Barnet in 2022?", "passages", "quote", ["38 per cent in Barnet"]),
])
def test_forecasts_advice_and_unreadable_figures_are_answered_honestly(
    client: TestClient, question: str, route: str, outcome: str, says: list[str]
) -> None:
    body = chat(client, question)
    assert (body["route"], body["outcome"]) == (route, outcome), body["answer"]
    assert all(s in body["answer"] for s in says), body["answer"]


def test_why_after_a_figure_is_answered_only_by_coverage_of_that_place(client: TestClient) -> None:
    first = chat(client, "How many seats did Labour win in Canterbury in 2018?")
    why = chat(client, "Why?", first["session_id"])  # the coverage's best match is about Barnet
    assert (why["route"], why["outcome"]) == ("none", "no_data"), why["answer"]
    assert "Canterbury" in why["answer"] and why["citations"] == []

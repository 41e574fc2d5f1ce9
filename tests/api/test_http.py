"""The app over real HTTP on loopback (uvicorn): many conversations at once, none lost or mixed up; clients
told apart behind a reverse proxy."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import sample_settings, serving

pytestmark = pytest.mark.model

# (first question, follow-up, what only this conversation's follow-up answer can say)
CONVERSATIONS = [
    ("How many seats did Labour win in Hull in 2018?", "And the Lib Dems?", "Liberal Democrats won 24 of the 57"),
    ("How many seats did Labour win in Hull in 2018?", "What about 2022?", "Labour won 9 of the 19"),
    ("Who controls Barnet after 2022?", "And in 2018?", "the Conservatives controlled Barnet"),
    ("Who controls Barnet after 2022?", "And Trafford?", "Labour controlled Trafford"),
    ("Who won Hartlepool in 2017?", "What about 2019?", "Mike Hill (Labour) won Hartlepool on 12 December 2019"),
]


def converse(base: str, n: int) -> tuple[int, str, str]:
    """Hold one two-turn conversation; returns its number, its session id and the follow-up's answer."""
    first, follow_up, _ = CONVERSATIONS[n % len(CONVERSATIONS)]
    with httpx.Client(base_url=base, timeout=120) as client:
        opened = client.post("/chat", json={"message": first, "session_id": None})
        opened.raise_for_status()
        session = opened.json()["session_id"]
        answered = client.post("/chat", json={"message": follow_up, "session_id": session})
        answered.raise_for_status()
        assert answered.json()["session_id"] == session
        return n, session, answered.json()["answer"]


def test_fifty_concurrent_conversations_are_all_answered_and_kept_apart(live_server: str) -> None:
    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(lambda n: converse(live_server, n), range(50)))
    assert len(results) == 50 and len({session for _, session, _ in results}) == 50
    for n, _, answer in results:
        expected = CONVERSATIONS[n % len(CONVERSATIONS)][2]
        assert expected in answer, f"conversation {n}: {answer}"


def test_health_and_page_are_served_over_http(live_server: str) -> None:
    health = httpx.get(f"{live_server}/health", timeout=30)
    assert health.status_code == 200 and health.json()["articles"] == 12
    page = httpx.get(live_server + "/", timeout=30)
    assert page.status_code == 200 and "<title>hustings" in page.text
    assert httpx.get(f"{live_server}/static/app.js", timeout=30).status_code == 200


def test_sources_lists_every_dataset_and_outlet(live_server: str, sample_dir: Path) -> None:
    body = httpx.get(f"{live_server}/sources", timeout=30).json()
    sample = sorted((Path(__file__).resolve().parents[2] / "corpus" / "sample" / "results").glob("*.csv"))
    assert sorted(d["file"] for d in body["datasets"]) == [p.name for p in sample]
    leap = next(d for d in body["datasets"] if d["file"] == "councils-leap.csv")
    assert leap["publisher"] == "Andrew Teale" and leap["licence"] == "CC BY-SA 3.0" and leap["rows"] > 0
    assert leap["loaded_at"].endswith("Z") or leap["loaded_at"].endswith("+00:00")
    assert sum(o["articles"] for o in body["articles"]) == httpx.get(f"{live_server}/health", timeout=30).json()[
        "articles"]


def statuses(base: str, forwarded_for: str, count: int) -> list[int]:
    """Ask `count` questions as if a proxy had forwarded them for `forwarded_for`; their status codes."""
    with httpx.Client(base_url=base, timeout=120, headers={"X-Forwarded-For": forwarded_for}) as client:
        return [client.post("/chat", json={"message": "Who won Hartlepool in 2019?"}).status_code
                for _ in range(count)]


def test_clients_behind_a_trusted_proxy_each_get_their_own_rate_limit(sample_dir: Path) -> None:
    with serving(sample_settings(sample_dir, rate_limit_per_minute=2)) as base:  # loopback: trusted by default
        assert statuses(base, "203.0.113.7", 3) == [200, 200, 429]
        assert statuses(base, "198.51.100.4", 2) == [200, 200]


def test_x_forwarded_for_from_an_untrusted_address_is_ignored(sample_dir: Path) -> None:
    settings = sample_settings(sample_dir, rate_limit_per_minute=2, forwarded_allow_ips="192.0.2.1")
    with serving(settings) as base:
        assert statuses(base, "203.0.113.7", 2) == [200, 200]
        assert statuses(base, "198.51.100.4", 1) == [429]  # both were counted as 127.0.0.1

"""Every party's figures side by side: seats and votes at a general election (the UK, a region or a nation) and
seats won at local elections, each counted here from the Commons Library's own CSV with the csv module."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from bot.ask import Bot

pytestmark = pytest.mark.shared
CODES = {"Con": "CON", "Lab": "LAB", "LD": "LD", "SNP": "SNP", "DUP": "DUP", "SF": "SF", "PC": "PC", "Green": "GRN",
         "SDLP": "SDLP", "APNI": "APNI", "Spk": "SPK", "Ind": "IND", "UUP": "UUP", "BRX": "BRX", "UKIP": "UKIP"}


def winners(shared: Path, year: int, region: str | None = None) -> Counter[str]:
    """Seats per party from the file's "First party" column."""
    path = shared / "data" / "hoc-general-elections" / f"HoC-GE{year}-results-by-constituency.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if region is None or region in (r["Region name"], r["Country name"])]
    return Counter(r["First party"] for r in rows)


def test_seats_by_party_at_a_general_election_are_every_winner_counted(bot: Bot, shared: Path) -> None:
    counted = winners(shared, 2019)
    answer = bot.answer("how many MPs did each party get in 2019")
    assert answer.keys is not None and answer.keys.intent == "general_seats_by_party"
    seats = {row["party_code"]: row["seats"] for row in answer.rows if row["seats"]}
    assert seats == {CODES[party]: n for party, n in counted.items()}
    assert sum(seats.values()) == 650 == answer.rows[0]["total_seats"]
    top, most = counted.most_common(1)[0]
    assert answer.text.startswith(f"The Conservatives won the most seats at the general election of 12 December "
                                  f"2019, {most} of 650.") and top == "Con"
    (chart,) = answer.charts
    assert [(b.party, b.value) for b in chart.bars] == [(r["party_code"], r["seats"]) for r in answer.rows]


def test_a_region_is_counted_over_its_own_constituencies(bot: Bot, shared: Path) -> None:
    answer = bot.answer("seats per party in scotland at the 2017 general election")
    counted = winners(shared, 2017, "Scotland")
    assert {r["party_code"]: r["seats"] for r in answer.rows if r["seats"]} == {
        CODES[p]: n for p, n in counted.items()}
    assert answer.rows[0]["total_seats"] == sum(counted.values()) and " in Scotland " in answer.text


def test_vote_shares_by_party_come_in_order_of_votes_and_add_up(bot: Bot) -> None:
    answer = bot.answer("party vote shares in the north east 2019")
    assert answer.keys is not None and answer.keys.intent == "general_votes_by_party"
    votes = [r["votes"] for r in answer.rows if r["votes"]]
    assert votes == sorted(votes, reverse=True)
    assert 99.5 <= sum(r["vote_share_percent"] for r in answer.rows if r["votes"]) <= 100.5
    assert answer.text.startswith("Labour won the most votes in the North East at the general election of 12 "
                                  "December 2019")


def test_which_party_got_the_most_votes_is_a_party_not_a_candidate(bot: Bot) -> None:
    party = bot.answer("Which party got the most votes in 2017?")
    assert party.keys is not None and party.keys.intent == "general_votes_by_party"
    assert party.text.startswith("The Conservatives won the most votes")
    candidate = bot.answer("Which candidate got the most votes in 2017?")
    assert candidate.keys is not None and candidate.keys.intent == "candidate_ranking"


def test_seats_won_by_party_at_local_elections_sum_to_the_seats_contested(bot: Bot) -> None:
    answer = bot.answer("who won the most seats in the 2018 local elections")
    assert answer.keys is not None and answer.keys.intent == "local_seats_by_party"
    assert sum(r["seats_won"] for r in answer.rows) == answer.rows[0]["seats_contested"]
    assert answer.rows[0]["party_code"] == "LAB" and answer.text.startswith("Labour won the most seats")
    assert "other parties or groups with" in answer.text  # the long tail said in one clause


@pytest.mark.parametrize("question", ["Lib dems seats in parliament after the 2019 election",
                                      "How many seats did the DUP get at GE 2019?"])
def test_the_name_of_parliament_is_not_taken_for_a_place(bot: Bot, question: str) -> None:
    answer = bot.answer(question)
    assert answer.outcome == "figure" and answer.keys is not None and answer.keys.intent == "national_seats"

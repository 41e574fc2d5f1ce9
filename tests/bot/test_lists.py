"""Questions across places: lists and rankings answered from the results."""

from __future__ import annotations

from bot.ask import Bot


def test_councils_a_party_controls_in_a_region(bot: Bot) -> None:
    text = bot.answer("Which London councils did the Conservatives control after 2022?").text
    assert text.startswith("The Conservatives controlled 5 councils in London after the elections of 5 May 2022")
    assert "Bromley" in text and "Barnet" not in text


def test_the_smallest_majority_is_one_seat(bot: Bot) -> None:
    text = bot.answer("Which seat had the smallest majority in 2019?").text
    assert "Fermanagh and South Tyrone" in text and " 57 " in text


def test_top_n_majorities_for_a_party(bot: Bot) -> None:
    answer = bot.answer("Top 3 constituencies by Labour majority in 2017")
    assert len(answer.rows) == 3 and answer.rows[0]["constituency"] == "Knowsley"


def test_councils_ranked_by_seats_held(bot: Bot) -> None:
    answer = bot.answer("Rank the councils by Lib Dem seats held after 2022")
    held = [row["seats_held"] for row in answer.rows]
    assert held == sorted(held, reverse=True) and len(held) == 10


def test_how_many_councils_a_party_won_counts_the_councils_it_controls(bot: Bot) -> None:
    answer = bot.answer("How many London councils did Labour win in 2022?")
    assert answer.route == "sql" and len(answer.rows) == 21 and "controlled 21 councils in London" in answer.text
    gained = bot.answer("How many councils did the Lib Dems gain in 2022?")
    assert "gained control of 6 councils" in gained.text

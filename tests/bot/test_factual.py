"""Factual questions answered exactly from the public results (spot checks of meaning and honesty)."""

from __future__ import annotations

import pytest

from bot.ask import Bot
from bot.text import BadQuestion


def test_seats_won_are_stated_with_their_meaning_and_sql(bot: Bot) -> None:
    answer = bot.answer("How many seats did Labour win in Hull in 2018?")
    assert answer.route == "sql"
    assert answer.text.startswith("Labour won 31 of the 57 seats contested in Kingston upon Hull on 3 May 2018")
    assert answer.sql is not None and "seats_won" in answer.sql and "'E06000010'" in answer.sql
    assert answer.rows[0]["seats_won"] == 31


def test_seats_gained_are_answered_with_what_the_results_count_and_that_is_said(bot: Bot) -> None:
    answer = bot.answer("How many seats did Labour gain in Hull in 2022?")
    assert answer.text.startswith("Labour won 9 of the 19 seats contested in Kingston upon Hull on 5 May 2022")
    assert "held 27 of the 57 seats on the council, a net change of -4 on its composition" in answer.text
    assert answer.text.endswith("not seats gained or lost against the last time those seats were fought.")
    assert [row["net_change"] for row in answer.rows if "net_change" in row] == [-4]
    earlier = bot.answer("How many seats did Labour gain in Hull in 2018?").text
    assert "net change" not in earlier and "not seats gained or lost" in earlier  # 2018 has no composition change


def test_seats_lost_at_a_general_election_are_counted_against_the_one_before(bot: Bot) -> None:
    text = bot.answer("How many seats did Labour lose in 2019?").text
    assert text.startswith("Labour won 202 of the 650 seats at the general election of 12 December 2019")
    assert "a net change of -60 on the 262 seats Labour won at the general election of 8 June 2017" in text
    first = bot.answer("How many seats did Labour lose at the 2017 general election?").text
    assert first.endswith("My results hold no earlier general election to count gains or losses against.")


def test_seats_lost_nationally_sum_the_composition_changes(bot: Bot) -> None:
    answer = bot.answer("How many seats did the Tories lose in 2022?")
    assert "On the 142 councils whose composition before and after is in my results" in answer.text
    assert "a net change of -288 on the composition after the previous election" in answer.text
    assert answer.sql is not None and "sum(c.net_change)" in answer.sql


def test_seats_a_party_has_won_are_seats_won_not_seats_held(bot: Bot) -> None:
    assert "Labour won 41 of the 63 seats contested in Barnet" in bot.answer(
        "How many seats have Labour won in Barnet in 2022?").text
    assert "Labour held 41 of the 63 seats on Barnet council" in bot.answer(
        "How many seats do Labour have on Barnet council after 2022?").text


def test_misspelt_place_and_party_are_forgiven(bot: Bot) -> None:
    answer = bot.answer("how many seats did labor win in barnett in 2022")
    assert "Labour won 41 of the 63 seats contested in Barnet" in answer.text


def test_control_after_an_election(bot: Bot) -> None:
    answer = bot.answer("Who controls Hull after 2022?")
    assert "the Liberal Democrats controlled Kingston upon Hull with 29 of the 57 seats" in answer.text


def test_general_election_totals(bot: Bot) -> None:
    assert "365 of the 650 seats" in bot.answer("How many seats did the tories win at the last general election?").text
    assert "Labour won 262" in bot.answer("How many seats did Labour win in the 2017 general election?").text


def test_a_year_without_data_says_what_exists(bot: Bot) -> None:
    answer = bot.answer("How many seats did Labour win in Barnet in 2031?")
    assert answer.text == "I have results for Barnet (council) in 2018 and 2022, not 2031."


def test_a_party_that_stood_nowhere_gets_no_candidates(bot: Bot) -> None:
    assert "no candidates" in bot.answer("How many seats did UKIP win in Barnet in 2022?").text


def test_a_name_shared_by_council_and_constituency_is_settled_by_the_year(bot: Bot) -> None:
    assert "Mike Hill (Labour) won Hartlepool" in bot.answer("Who won Hartlepool in 2019?").text
    assert "13 seats were contested" in bot.answer("What happened in Hartlepool in 2022?").text


def test_an_ambiguous_place_is_asked_about(bot: Bot) -> None:
    answer = bot.answer("Who won Richmond?")
    assert "Which one do you mean?" in answer.text
    assert "Richmond Park" in answer.text and "Richmond (Yorks)" in answer.text


def test_two_parties_are_compared(bot: Bot) -> None:
    text = bot.answer("Did Labour or the Conservatives win more seats in Barnet in 2022?").text
    assert "Labour won 41" in text and "won 22" in text and text.endswith("Labour had more.")


def test_questions_outside_the_results_are_refused_plainly(bot: Bot) -> None:
    answer = bot.answer("What is the capital of France?")
    assert answer.route == "none" and "I cover official results" in answer.text


def test_sql_looking_text_is_just_text(bot: Bot) -> None:
    answer = bot.answer("How many seats did Labour win in Hull in 2018'; DROP TABLE seats_won; --")
    assert "31 of the 57" in answer.text
    row = bot.store.connection.execute("SELECT count(*) FROM seats_won").fetchone()  # still there, still full
    assert row is not None and row[0] > 0


@pytest.mark.parametrize("question", ["", "   ", "x" * 2001, "bad\x00bytes"])
def test_empty_oversized_or_binary_questions_are_refused(bot: Bot, question: str) -> None:
    with pytest.raises(BadQuestion):
        bot.answer(question)

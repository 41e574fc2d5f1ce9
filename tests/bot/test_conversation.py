"""Conversations over the project's own sample: follow-ups borrow from the last turn, or are asked about."""

from __future__ import annotations

import pytest

from bot.answer import Answer
from bot.ask import Bot
from bot.conversation import Conversation

pytestmark = pytest.mark.model


def talk(bot: Bot, *questions: str) -> list[Answer]:
    """Ask the questions in one conversation, in order."""
    conversation = Conversation("test")
    return [bot.answer(q, conversation) for q in questions]


def test_and_the_lib_dems_asks_the_last_figure_for_them(sample_bot: Bot) -> None:
    first, second = talk(sample_bot, "How many seats did Labour win in Hull in 2018?", "And the Lib Dems?")
    assert first.rows[0]["seats_won"] == 31
    assert second.route == "sql" and second.rows[0]["party"] == "Liberal Democrats"
    assert second.rows[0]["seats_won"] == 24 and "24 of the 57 seats" in second.text


def test_what_about_another_year_keeps_the_party_place_and_measure(sample_bot: Bot) -> None:
    *_, answer = talk(sample_bot, "How many seats did Labour win in Hull in 2018?", "And the Lib Dems?",
                      "What about 2022?")
    assert answer.route == "sql" and "5 May 2022" in answer.text
    assert answer.rows[0]["party"] == "Liberal Democrats" and answer.rows[0]["seats_won"] == 10


def test_and_another_council_keeps_the_year_asked_last(sample_bot: Bot) -> None:
    _, in_2018, trafford = talk(sample_bot, "Who controls Barnet after 2022?", "And in 2018?", "And Trafford?")
    assert "the Conservatives controlled Barnet" in in_2018.text and "3 May 2018" in in_2018.text
    assert "no party had overall control of Trafford" in trafford.text and "2018" in trafford.text


def test_why_asks_the_coverage_about_the_last_answer(sample_bot: Bot) -> None:
    *_, why = talk(sample_bot, "How many seats did the Lib Dems win in Hull in 2022?", "Why?")
    assert why.route == "passages" and why.citations
    assert why.citations[0].article_id == "2022-hull-lib-dems-take-control"
    assert "[1]" in why.text and why.sql is None


def test_why_after_a_council_asks_about_that_council(sample_bot: Bot) -> None:
    *_, why = talk(sample_bot, "Who controls Trafford after 2018?", "Why?")
    assert why.route == "passages"
    assert {c.article_id for c in why.citations} == {"2018-trafford-tories-lose-majority"}


def test_which_of_those_narrows_the_places_the_last_answer_listed(sample_bot: Bot) -> None:
    listed, labour, tories = talk(sample_bot, "Which constituencies had the smallest majorities in 2019?",
                                  "Which of those did Labour win?", "And the Conservatives?")
    assert len(listed.rows) == 9
    assert {r["constituency"] for r in labour.rows} == {
        "Canterbury", "Hartlepool", "Kingston upon Hull East", "Kingston upon Hull North",
        "Kingston upon Hull West and Hessle"}
    assert {r["party"] for r in tories.rows} == {"Conservative"} and len(tories.rows) == 4
    assert "list_contains" in (tories.sql or "")


def test_a_whole_question_after_another_is_its_own_question(sample_bot: Bot) -> None:
    _, answer = talk(sample_bot, "How many seats did Labour win in Hull in 2018?", "Who won Hartlepool in 2019?")
    assert answer.rows[0]["winner"] == "Mike Hill"


def test_a_question_that_points_back_borrows_the_names(sample_bot: Bot) -> None:
    _, answer = talk(sample_bot, "Who won Hartlepool in 2017?", "How many votes did they get there?")
    assert answer.route == "sql" and "21,969 votes in Hartlepool" in answer.text


@pytest.mark.parametrize("question", ["And Trafford?", "Why?", "Which of those did Labour win?", "And them?"])
def test_a_follow_up_with_nothing_to_follow_is_asked_about(sample_bot: Bot, question: str) -> None:
    (answer,) = talk(sample_bot, question)
    assert answer.route == "none" and answer.sql is None and not answer.citations
    assert "?" in answer.text and ("not sure" in answer.text or "Ask a question first" in answer.text)


def test_a_conversation_remembers_what_each_turn_resolved_to(sample_bot: Bot) -> None:
    conversation = Conversation("remember")
    for question in ("How many seats did Labour win in Hull in 2018?", "And the Lib Dems?"):
        sample_bot.answer(question, conversation)
    assert [t.asked for t in conversation.turns] == ["How many seats did Labour win in Hull in 2018?",
                                                     "And the Lib Dems?"]
    assert conversation.turns[-1].text == "How many seats did the Liberal Democrats win in Hull in 2018?"


def test_why_did_they_asks_the_coverage_about_who_and_where_the_last_answer_named(sample_bot: Bot) -> None:
    _, why = talk(sample_bot, "Who won Hartlepool in 2019?", "Why did they win it?")
    assert why.route == "passages"
    assert why.citations[0].article_id == "2019-brexit-party-split-hartlepool-hull"


def test_a_whole_first_question_that_says_their_is_read_as_it_stands(sample_bot: Bot) -> None:
    (answer,) = talk(sample_bot, "What did voters in Grimsby say about their bins?")
    assert answer.route == "passages" and answer.citations


def test_a_short_reply_to_which_one_answers_the_question_asked_of_that_one(sample_bot: Bot) -> None:
    asked, replied = talk(sample_bot, "Who won Hartlepool?", "the constituency")
    assert asked.outcome == "clarify", asked.text
    assert replied.outcome == "figure" and "Mike Hill" in replied.text


def test_a_whole_question_after_which_one_is_its_own_question(sample_bot: Bot) -> None:
    _, answer = talk(sample_bot, "Who won Hartlepool?", "Who controls Barnet after 2022?")
    assert answer.outcome == "figure" and "Barnet" in answer.text

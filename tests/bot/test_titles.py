"""Finding the article a question names by its title."""

from __future__ import annotations

from bot.cues import read_cues
from bot.titles import Pointer, TitleIndex

TITLES = TitleIndex({
    "grimsby": "Corbyn in Grimsby: the local elections of May 2018 change little",
    "london": "Labour misses its London targets in the 2018 local elections",
    "starmer": "Starmer's Labour: big London councils, poor gains elsewhere in 2022",
    "hope": "Choose hope over fear - Kennedy",
    "gains": "Kennedy looks to election gains",
})


def pointed_at(question: str) -> Pointer | None:
    return TITLES.pointed_at(read_cues(question).titles)


def test_a_question_naming_an_article_by_its_title_points_at_it() -> None:
    question = "According to the Corbyn in Grimsby article, how many of Lincoln's seats were contested?"
    pointer = pointed_at(question)
    assert pointer is not None and pointer.article_id == "grimsby"
    assert question[pointer.start : pointer.end] == "the Corbyn in Grimsby article"
    assert pointer.outside(question) == "According to , how many of Lincoln's seats were contested?"


def test_words_anywhere_in_the_title_and_the_kind_of_writing_are_allowed() -> None:
    assert pointed_at("What does the 2018 London targets article say about Barnet?").article_id == "london"
    assert pointed_at("What share, according to the Starmer opinion piece?").article_id == "starmer"


def test_a_name_two_titles_share_points_at_neither() -> None:
    assert pointed_at("What does the Kennedy article say about tax?") is None


def test_writing_named_only_by_its_kind_or_its_outlet_points_at_nothing() -> None:
    assert pointed_at("What does the BBC analysis say will decide the election?") is None
    assert pointed_at("According to the article, who won Hull?") is None


def test_words_no_single_title_holds_point_at_nothing() -> None:
    assert pointed_at("What does the Corbyn in London piece say?") is None
    assert pointed_at("What did the Grimsby Telegraph report?") is None

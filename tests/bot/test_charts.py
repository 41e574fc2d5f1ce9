"""Charts of results answers (bot/charts.py, `chart:` in registry.yaml) and the example questions (bot/examples.py)."""

from __future__ import annotations

import pytest

from bot.ask import Bot
from bot.charts import MOST_BARS, Bar, ChartSpec, chart_spec, draw_chart
from bot.registry import registry


def test_bars_are_drawn_from_the_rows_that_carry_the_value_and_the_label() -> None:
    rows = [{"constituency": "Hartlepool", "winner": "Mike Hill", "majority": 3595},  # another query's shape
            {"party": "Labour", "party_code": "LAB", "votes": 15464},
            {"party": "Conservative", "party_code": "CON", "votes": 11869},
            {"party": "Others", "party_code": None, "votes": None}]
    chart = draw_chart(ChartSpec("votes", "party"), rows, "Hartlepool · 12 December 2019")
    assert chart is not None
    assert chart.bars == (Bar("Labour", 15464, "LAB"), Bar("Conservative", 11869, "CON"))
    assert (chart.kind, chart.measure, chart.total, chart.columns) == ("bars", "votes", None, ("party", "votes"))


def test_one_bar_is_no_chart_and_a_long_list_is_cut_to_the_most_bars() -> None:
    spec = ChartSpec("turnout_percent", "ward", total="electorate")
    assert draw_chart(spec, [{"ward": "Fulwell", "turnout_percent": 47.3}], "") is None
    many = draw_chart(spec, [{"ward": f"w{n}", "turnout_percent": n, "electorate": 100} for n in range(40)], "")
    assert many is not None and len(many.bars) == MOST_BARS and many.measure == "turnout %" and many.total == 100


def test_a_chart_entry_must_name_its_columns_and_a_kind_that_exists() -> None:
    assert chart_spec(None, "x") is None
    with pytest.raises(ValueError, match="intent 'council_result': chart needs `value` and `label`"):
        chart_spec({"value": "seats_won"}, "council_result")
    with pytest.raises(ValueError, match="kind must be one of bars, composition, got 'pie'"):
        chart_spec({"value": "seats_won", "label": "party", "kind": "pie"}, "council_result")


@pytest.mark.parametrize(("question", "intent", "kind", "first"), [
    ("What was the make-up of Sunderland council after 2022?", "council_composition", "composition", "Labour"),
    ("How many votes did each party get in Sunderland in 2022?", "council_votes", "bars", "Labour"),
    ("What was the result in Hartlepool in 2019?", "constituency_result", "bars", "Labour"),
    ("Who stood in Castle ward in Cambridge in 2022?", "ward_result", "bars", "Smith S."),
    ("Which constituencies had the smallest majorities in 2019?", "majority_ranking", "bars",
     "Fermanagh and South Tyrone"),
    ("How many councillors did each party have in 2010?", "national_councillors", "bars", "Conservative"),
])
def test_a_results_answer_is_drawn_with_exactly_its_rows_figures(
    bot: Bot, question: str, intent: str, kind: str, first: str
) -> None:
    answer = bot.answer(question)
    assert answer.keys is not None and answer.keys.intent == intent
    (chart,) = answer.charts
    label, value = chart.columns
    drawn = [(row[label], row[value]) for row in answer.rows if row.get(value) is not None and label in row]
    assert chart.kind == kind and [(b.label, b.value) for b in chart.bars] == drawn[:MOST_BARS]
    assert chart.bars[0].label == first
    assert all(f"{b.value:,.0f}" in answer.text or f"{b.value}" in answer.text for b in chart.bars[:3])


def test_every_chart_the_registry_declares_names_columns_its_queries_select() -> None:
    from bot.sql import queries

    for intent in registry().intents:
        if intent.chart is None:
            continue
        selected = " ".join(queries()[q.name.format(kind=k)] for q in intent.queries for k in ("local", "general")
                            if q.name.format(kind=k) in queries())
        for column in (intent.chart.value, intent.chart.label):
            assert column in selected, f"{intent.name}: no query of it selects {column}"


def test_the_example_questions_are_about_what_the_store_holds_and_answered_as_offered(sample_bot: Bot) -> None:
    examples = sample_bot.examples()
    assert {e.answers_from for e in examples} == {"results", "coverage"}
    for example in examples:
        answer = sample_bot.answer(example.question)
        expected = {"figure"} if example.answers_from == "results" else {"quote", "both"}
        assert answer.outcome in expected, example.question
    assert examples[0].question == "Who controls Sunderland?"  # the largest council of the latest local elections
    assert sample_bot.examples() is examples  # made once per store


def test_a_store_without_coverage_offers_no_coverage_question(bot: Bot) -> None:
    examples = bot.examples()
    assert examples and {e.answers_from for e in examples} == {"results"}

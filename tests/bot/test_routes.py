"""The routing table, tested as a table: signals -> the rule that decides -> its plan."""

from __future__ import annotations

from typing import Any

import pytest

from bot.ask import Bot
from bot.routes import RULES, THRESHOLDS, Signals, decide

ROUTED = {"learned": "passages", "p_none": 0.1}
# (signals, the rule that must decide, the plan)
TABLE: list[tuple[dict[str, Any], str, str]] = [
    ({"follow": "unclear"}, "a follow-up with nothing to follow", "clarify"),
    ({"follow": "among", "measure": True}, "which of those", "narrow"),
    ({"forecast": True, "measure": True}, "a forecast or an opinion", "no_forecasts"),
    ({"opinion": True}, "a forecast or an opinion", "no_forecasts"),
    ({"follow": "same", "after_figure": True, "measure": True}, "the same figure for someone else", "results"),
    # the same follow-up after a quote, or once the results had nothing: the router has its say
    ({"follow": "same", "after_figure": False, "measure": True}, "the router's turn", "route"),
    ({"follow": "same", "after_figure": True, "measure": True, "tried_figure": True, **ROUTED},
     "as the router learned", "passages"),
    ({"coverage": False, "measure": True}, "no coverage to weigh against", "results"),
    ({"follow": "why"}, "why, after an answer", "explain"),
    ({"measure": True}, "the router's turn", "route"),
    ({"measure": True, **ROUTED}, "a figure asked plainly", "figure_first"),
    ({"measure": True, "learned": "sql"}, "as the router learned", "sql"),
    ({"measure": True, "tried_figure": True, "learned": "none", "p_none": 0.95}, "surely out of scope", "refuse"),
    ({"learned": "none", "p_none": THRESHOLDS.sure_refusal}, "surely out of scope", "refuse"),
    ({"learned": "none", "p_none": 0.95, "explained": True}, "perhaps out of scope", "unsure"),
    ({"learned": "none", "p_none": 0.6}, "perhaps out of scope", "unsure"),
    ({"learned": "sql", "why": True, "explained": True}, "why: reasons only the coverage gives", "passages"),
    ({"learned": "hybrid", "why": True, "explained": True}, "why: reasons only the coverage gives", "passages"),
    ({"learned": "sql", "sourced": True, "cued": True, "explained": True}, "a figure as an article gives it",
     "passages"),
    ({"learned": "sql", "sourced": True, "explains_too": True, "cued": True, "explained": True},
     "the coverage must speak too", "hybrid"),
    ({"learned": "sql", "cued": True, "explained": True}, "the coverage must speak too", "hybrid"),
    ({"learned": "passages", "explains_too": True, "measure": True, "cued": True, "explained": True},
     "a figure and its reasons", "hybrid"),
    ({"learned": "passages", "explained": True}, "as the router learned", "passages"),
    ({"learned": "hybrid", "measure": True, "explained": True}, "as the router learned", "hybrid"),
    ({"learned": "hybrid", "measure": True, "accounts": True, "tried_figure": True}, "as the router learned",
     "hybrid"),
    # the router leans to both, but the question asks for no account of the figure: the figure alone
    ({"learned": "hybrid", "tried_figure": True}, "both asked, but nothing asks for an account", "sql"),
]


@pytest.mark.parametrize(("signals", "rule", "plan"), TABLE, ids=[f"{r} -> {p}" for _, r, p in TABLE])
def test_the_routing_table_decides_as_written(signals: dict[str, Any], rule: str, plan: str) -> None:
    decided, chosen = decide(Signals(**signals))
    assert (decided.name, chosen) == (rule, plan)


def test_every_rule_decides_some_row_of_the_table() -> None:
    assert {r.name for r in RULES} == {rule for _, rule, _ in TABLE}


def test_no_route_is_taken_before_the_router_is_asked() -> None:
    # However the reading looks, a rule that reads the router's route is never reached without it.
    for follow in ("new", "same"):
        for measure in (True, False):
            for explained in (True, False):
                rule, plan = decide(Signals(follow=follow, measure=measure, explained=explained))
                assert plan == "route", rule.name


@pytest.mark.parametrize(("question", "route", "outcome"), [
    ("How many seats did Labour win in Hull in 2018?", "sql", "figure"),
    ("Why did the Lib Dems do so well in Hull in 2022?", "passages", "quote"),
    ("How many seats did the Lib Dems win in Hull in 2022, and why?", "hybrid", "both"),
    ("Will Labour hold Blyth Valley next time?", "sql", "figure"),
    ("When did the Titanic sink?", "none", "refused"),
])
def test_the_table_routes_real_questions_on_the_sample(question: str, route: str, outcome: str,
                                                       sample_bot: Bot) -> None:
    answer = sample_bot.answer(question)
    assert (answer.route, answer.outcome) == (route, outcome), answer.text

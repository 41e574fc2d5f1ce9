"""The routing table: what answers a question, decided once from its reading, the conversation and the learned
router's probabilities. An ordered list of rules, each a condition and a plan; the first that holds decides.

Two plans look before they decide: `figure_first` asks the results, and when they give no figure the table
is read again with `tried_figure` set; `unsure` (the router leans to refusing, but not surely) answers from
a strong quote, refuses when P(none) is high enough, or else reads the table again with the router's next
best route. Every threshold is in `Thresholds`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.answer import Route

Plan = Literal[
    "clarify",  # a follow-up with nothing to follow: ask what is meant
    "narrow",  # "which of those…": the results, over the places the last answer listed
    "no_forecasts",  # a forecast or advice: the facts held, and a plain word that the bot does not forecast
    "results",  # the results' answer if they have one (figure or no data), else read on
    "figure_first",  # the results' figure if they hold it, else read on
    "explain",  # "Why?": the coverage, about the place the last answer was about
    "route",  # ask the learned router, then read the table again
    "refuse",
    "unsure",
    "sql", "passages", "hybrid",  # the route, composed in Bot._compose
]
FollowKind = Literal["new", "same", "why", "among", "unclear"]


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Every threshold the routing reads. `refuse_at` is where held-out accuracy peaks in `make bench-router`
    (five folds over bot/router_questions.yaml); the quote thresholds are passage confidences (bot/passages.py)."""

    refuse_at: float = 0.5  # P(none) at or above which the bot declines...
    sure_refusal: float = 0.9  # ...and above which it does not even look in the coverage
    quote_at: float = 0.4  # the least passage confidence worth quoting (below it: "I don't know")
    cued_quote: float = 0.5  # "according to the coverage…": worth answering from it though the router doubts
    loose_quote: float = 0.25  # beside a figure from the results, a looser quote still helps explain it
    strong_quote: float = 0.6  # a quote that outweighs the router's doubt or the results' silence
    half_the_terms: float = 0.5  # of the question's terms a doubted quote must speak of
    most_of_the_terms: float = 0.6  # ...and one found by the names it shares with the question


THRESHOLDS = Thresholds()


@dataclass(frozen=True, slots=True)
class Signals:
    """What the routing reads: the reading's cues, the conversation, the learned router's lean."""

    follow: FollowKind = "new"
    after_figure: bool = False  # the last turn was answered from the results
    measure: bool = False  # the reading names a measure, or something the registry can answer (a candidate…)
    why: bool = False  # asks why
    sourced: bool = False  # "…according to the 2022 opinion piece": the article's figure
    explains_too: bool = False  # "…, and why?": a figure and its reasons
    cued: bool = False  # explains too, attributed to someone's account, or as reported during the count
    explained: bool = False  # any of those, or names a person or thing the results know nothing of
    accounts: bool = False  # uses words that ask for an account ("why", "explain", "say", "struggle"…)
    forecast: bool = False  # asks for a forecast not attributed to the coverage
    opinion: bool = False  # asks for an opinion or voting advice
    coverage: bool = True  # there is coverage to search (and a router)
    learned: Route | None = None  # the router's most probable route, once it has been asked
    p_none: float = 0.0
    next_best: Route = "passages"  # its most probable route other than none
    tried_figure: bool = False  # the results were asked first and held no figure


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of the table: when it holds, the plan to follow (None: the route the router learned)."""

    name: str
    when: Callable[[Signals], bool]
    plan: Plan | None


T = THRESHOLDS
RULES: tuple[Rule, ...] = (
    Rule("a follow-up with nothing to follow", lambda s: s.follow == "unclear", "clarify"),
    Rule("which of those", lambda s: s.follow == "among", "narrow"),
    Rule("a forecast or an opinion", lambda s: s.opinion or s.forecast, "no_forecasts"),
    Rule("the same figure for someone else", lambda s: s.follow == "same" and s.after_figure and s.measure
         and not s.tried_figure, "results"),
    Rule("no coverage to weigh against", lambda s: not s.coverage, "results"),
    Rule("why, after an answer", lambda s: s.follow == "why", "explain"),
    Rule("the router's turn", lambda s: s.learned is None, "route"),
    Rule("a figure asked plainly", lambda s: s.measure and not s.explained and s.learned != "sql"
         and not s.tried_figure, "figure_first"),
    Rule("surely out of scope", lambda s: s.learned == "none" and s.p_none >= T.sure_refusal and not s.explained,
         "refuse"),
    Rule("perhaps out of scope", lambda s: s.learned == "none", "unsure"),
    Rule("why: reasons only the coverage gives", lambda s: s.learned in ("sql", "hybrid") and s.why, "passages"),
    Rule("a figure as an article gives it", lambda s: s.learned in ("sql", "hybrid") and s.sourced
         and not s.explains_too, "passages"),
    Rule("the coverage must speak too", lambda s: s.learned == "sql" and s.cued, "hybrid"),
    Rule("a figure and its reasons", lambda s: s.learned == "passages" and s.explains_too and s.measure, "hybrid"),
    Rule("both asked, but nothing asks for an account", lambda s: s.learned == "hybrid" and not s.explained
         and not s.accounts, "sql"),
    Rule("as the router learned", lambda s: True, None),
)


def decide(signals: Signals) -> tuple[Rule, Plan]:
    """The first rule that holds, and its plan."""
    rule = next(r for r in RULES if r.when(signals))
    if rule.plan is not None:
        return rule, rule.plan
    assert signals.learned is not None  # the router's turn comes before any rule that reads its route
    return rule, "refuse" if signals.learned == "none" else signals.learned

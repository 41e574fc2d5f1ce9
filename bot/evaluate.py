"""The evaluation runner: a YAML suite of questions with what their answers must (not) say."""

from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.answer import Answer
from bot.sources import without_load_times

ROUTES = ("sql", "passages", "hybrid", "none")
BAR_WIDTH = 30
AskFn = Callable[[str, str], Answer]  # (question, conversation id) -> answer


class SuiteError(ValueError):
    """A suite file that cannot be read as cases."""


@dataclass(frozen=True, slots=True)
class Case:
    """One question (or conversation) and what its answer must satisfy."""

    id: str
    turns: tuple[str, ...]
    routes: tuple[str, ...]
    expect: tuple[tuple[str, ...], ...] = ()
    forbid: tuple[str, ...] = ()
    cite: tuple[str, ...] = ()
    phrasing: str | None = None  # "tuned" or "held-out": whether the grammar may be fitted to its wording


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the bot said to a case's last turn, and why it passed or failed."""

    case: Case
    answer: Answer
    passed: bool
    reasons: tuple[str, ...]
    latency_ms: float


@dataclass(frozen=True, slots=True)
class Report:
    """Accuracy overall and per expected route, the route confusion table, failures and latency."""

    suite: str
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        """Share of cases passed."""
        return sum(o.passed for o in self.outcomes) / len(self.outcomes) if self.outcomes else 0.0

    def accuracy_by_route(self) -> dict[str, tuple[int, int]]:
        """Expected route -> (passed, cases)."""
        totals: dict[str, list[int]] = {}
        for outcome in self.outcomes:
            passed, cases = totals.setdefault(outcome.case.routes[0], [0, 0])
            totals[outcome.case.routes[0]] = [passed + outcome.passed, cases + 1]
        return {route: (p, n) for route, (p, n) in totals.items()}

    def accuracy_by_phrasing(self) -> dict[str, tuple[int, int]]:
        """Phrasing half ("tuned", "held-out") -> (passed, cases), for suites whose cases say."""
        totals: dict[str, list[int]] = {}
        for outcome in self.outcomes:
            if outcome.case.phrasing:
                passed, cases = totals.setdefault(outcome.case.phrasing, [0, 0])
                totals[outcome.case.phrasing] = [passed + outcome.passed, cases + 1]
        return {half: (p, n) for half, (p, n) in sorted(totals.items(), reverse=True)}

    def confusion(self) -> Counter[tuple[str, str]]:
        """(expected route, route given) -> cases."""
        return Counter((o.case.routes[0], o.answer.route) for o in self.outcomes)

    def latency(self) -> tuple[float, float]:
        """p50 and p95 of per-case latency in milliseconds."""
        times = sorted(o.latency_ms for o in self.outcomes)
        if not times:
            return 0.0, 0.0
        return statistics.median(times), times[max(0, int(round(0.95 * len(times))) - 1)]


def load_suite(path: Path) -> list[Case]:
    """Read and check a suite; a bad case is named by its position and id."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SuiteError(f"cannot read suite {path}: {error}") from error
    if not isinstance(raw, list):
        raise SuiteError(f"{path}: a suite is a YAML list of cases")
    cases = []
    for number, item in enumerate(raw, start=1):
        where = f"{path}: case {number}" + (f" ({item.get('id')})" if isinstance(item, dict) and item.get("id") else "")
        if not isinstance(item, dict):
            raise SuiteError(f"{where}: a case is a mapping with 'ask' or 'turns'")
        turns = item.get("turns") or ([item["ask"]] if "ask" in item else [])
        if not turns or not all(isinstance(t, str) and t.strip() for t in turns):
            raise SuiteError(f"{where}: needs 'ask' (a question) or 'turns' (a list of questions)")
        routes = item.get("route", ["sql", "passages", "hybrid", "none"])
        routes = [routes] if isinstance(routes, str) else routes
        if not routes or any(r not in ROUTES for r in routes):
            raise SuiteError(f"{where}: 'route' must be among {', '.join(ROUTES)}, got {routes!r}")
        expect = item.get("expect", [])
        groups = tuple(tuple(str(s) for s in ([g] if isinstance(g, str | int | float) else g)) for g in expect)
        cases.append(Case(
            id=str(item.get("id", number)), turns=tuple(turns), routes=tuple(routes), expect=groups,
            forbid=tuple(str(s) for s in item.get("forbid", [])), cite=tuple(str(s) for s in item.get("cite", [])),
            phrasing=str(item["phrasing"]) if item.get("phrasing") else None,
        ))
    return cases


def check(case: Case, answer: Answer) -> tuple[str, ...]:
    """Why an answer fails its case (empty when it passes)."""
    reasons = []
    # The time a file was loaded is no figure of the answer: a case expecting " 16:" must not pass on "16:08 UTC".
    text = without_load_times(answer.text).lower()
    if answer.route not in case.routes:
        reasons.append(f"route {answer.route}, expected {'/'.join(case.routes)}")
    for group in case.expect:
        if not any(s.lower() in text for s in group):
            reasons.append(f"missing {' | '.join(group)}")
    for word in case.forbid:
        if word.lower() in text:
            reasons.append(f"says {word}")
    cited = {c.article_id for c in answer.citations}
    for article_id in case.cite:
        if article_id not in cited:
            reasons.append(f"does not cite {article_id}")
    return tuple(reasons)


def run_suite(cases: list[Case], ask: AskFn, name: str = "suite") -> Report:
    """Ask every case (each conversation in its own session) and check the last answer."""
    report = Report(name)
    for case in cases:
        session = f"eval-{case.id}"
        answer = None
        started = time.perf_counter()
        for turn in case.turns:
            started = time.perf_counter()
            answer = ask(turn, session)
        assert answer is not None
        latency = (time.perf_counter() - started) * 1000
        reasons = check(case, answer)
        report.outcomes.append(Outcome(case, answer, not reasons, reasons, latency))
    return report


def render_markdown(report: Report, chart: str | None = None) -> str:
    """A report people can read: accuracy, per-route table, confusion, latency, failures; `chart` is the
    Markdown line for its chart (bot/eval_chart.py), put under the headline."""
    p50, p95 = report.latency()
    passed = sum(o.passed for o in report.outcomes)
    lines = [
        f"# Evaluation: {report.suite}",
        "",
        f"**Accuracy {report.accuracy:.1%}** ({passed} of {len(report.outcomes)} cases); "
        f"latency p50 {p50:.1f} ms, p95 {p95:.1f} ms.",
        "",
        *([chart, ""] if chart else []),
        "| expected route | passed | cases | accuracy |",
        "|---|---:|---:|---:|",
    ]
    for route, (ok, total) in sorted(report.accuracy_by_route().items()):
        lines.append(f"| {route} | {ok} | {total} | {ok / total:.1%} |")
    halves = report.accuracy_by_phrasing()
    if halves:
        lines += ["", "Phrasings the grammar was fitted to, and those held out from it:", "",
                  "| phrasings | passed | cases | accuracy |", "|---|---:|---:|---:|"]
        lines += [f"| {half} | {ok} | {total} | {ok / total:.1%} |" for half, (ok, total) in halves.items()]
    lines += ["", "Accuracy per expected route:", "", *route_chart(report.accuracy_by_route())]
    confusion = report.confusion()
    lines += ["", "Route confusion (rows: expected, columns: given):", "",
              "| expected \\ given | " + " | ".join(ROUTES) + " |", "|---|" + "---:|" * len(ROUTES)]
    for expected in ROUTES:
        if any(confusion[(expected, given)] for given in ROUTES):
            lines.append(f"| {expected} | " + " | ".join(str(confusion[(expected, g)]) for g in ROUTES) + " |")
    failures = [o for o in report.outcomes if not o.passed]
    if failures:
        lines += ["", f"## Failures ({len(failures)})", ""]
        for outcome in failures:
            lines.append(f"- **{outcome.case.id}**: {outcome.case.turns[-1]}  ")
            lines.append(f"  {'; '.join(outcome.reasons)}  ")
            lines.append(f"  answer ({outcome.answer.route}): {outcome.answer.text[:400]}")
    return "\n".join(lines) + "\n"


def route_chart(by_route: Mapping[str, tuple[int, int]], width: int = BAR_WIDTH) -> list[str]:
    """A text bar chart of accuracy per route, as a fenced block (it reads the same in a terminal)."""
    if not by_route:
        return []
    label = max(len(route) for route in by_route)
    lines = ["```"]
    for route, (ok, total) in sorted(by_route.items()):
        share = ok / total if total else 0.0
        filled = round(share * width)
        lines.append(f"{route:<{label}} {'█' * filled}{'░' * (width - filled)} {share:6.1%} ({ok}/{total})")
    return [*lines, "```"]


def report_json(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data, one record per case."""
    p50, p95 = report.latency()
    return {
        "suite": report.suite,
        "accuracy": report.accuracy,
        "by_route": {r: {"passed": p, "cases": n} for r, (p, n) in report.accuracy_by_route().items()},
        "by_phrasing": {h: {"passed": p, "cases": n} for h, (p, n) in report.accuracy_by_phrasing().items()},
        "latency_ms": {"p50": p50, "p95": p95},
        "cases": [
            {"id": o.case.id, "question": o.case.turns[-1], "passed": o.passed, "reasons": list(o.reasons),
             "route": o.answer.route, "answer": o.answer.text, "latency_ms": o.latency_ms}
            for o in report.outcomes
        ],
    }

"""The evaluation runner: a YAML suite of questions with what their answers must (not) say."""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.answer import Answer

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
        ))
    return cases


def check(case: Case, answer: Answer) -> tuple[str, ...]:
    """Why an answer fails its case (empty when it passes)."""
    reasons = []
    text = answer.text.lower()
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


def render_markdown(report: Report) -> str:
    """A report people can read: accuracy, per-route table, confusion, latency, failures."""
    p50, p95 = report.latency()
    passed = sum(o.passed for o in report.outcomes)
    lines = [
        f"# Evaluation: {report.suite}",
        "",
        f"**Accuracy {report.accuracy:.1%}** ({passed} of {len(report.outcomes)} cases); "
        f"latency p50 {p50:.1f} ms, p95 {p95:.1f} ms.",
        "",
        "| expected route | passed | cases | accuracy |",
        "|---|---:|---:|---:|",
    ]
    for route, (ok, total) in sorted(report.accuracy_by_route().items()):
        lines.append(f"| {route} | {ok} | {total} | {ok / total:.1%} |")
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
        "latency_ms": {"p50": p50, "p95": p95},
        "cases": [
            {"id": o.case.id, "question": o.case.turns[-1], "passed": o.passed, "reasons": list(o.reasons),
             "route": o.answer.route, "answer": o.answer.text, "latency_ms": o.latency_ms}
            for o in report.outcomes
        ],
    }


# ------------------------------------------------------------------ comparing two runs


class ComparisonError(ValueError):
    """A previous report that cannot be compared (not what `hustings eval --json` wrote)."""


@dataclass(frozen=True, slots=True)
class CaseChange:
    """One case whose outcome differs between two runs of a suite."""

    id: str
    question: str
    before: str  # "passed", "failed" or "absent"
    after: str
    route_before: str | None
    route_after: str | None
    reasons: tuple[str, ...]  # why it fails now, or why it failed before when it got better


@dataclass(frozen=True, slots=True)
class Comparison:
    """What changed between a previous run of a suite and this one."""

    suite: str
    accuracy: tuple[float, float]
    by_route: dict[str, tuple[tuple[int, int], tuple[int, int]]]  # route -> ((passed, cases) before, after)
    latency: tuple[tuple[float, float], tuple[float, float]]  # (p50, p95) before, after
    better: list[CaseChange]
    worse: list[CaseChange]
    rerouted: list[CaseChange]  # same verdict, another route
    added: list[CaseChange]
    removed: list[CaseChange]


def load_report(path: Path) -> dict[str, Any]:
    """Read a report written by `hustings eval --json`; raises ComparisonError with the reason."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ComparisonError(f"cannot read previous report {path}: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise ComparisonError(f"{path} is not a report from `hustings eval --json` (no 'cases' list)")
    for number, case in enumerate(data["cases"], start=1):
        if not isinstance(case, dict) or "id" not in case or "passed" not in case:
            raise ComparisonError(f"{path}: case {number} lacks 'id' or 'passed'")
    return data


def compare_reports(previous: Mapping[str, Any], current: Mapping[str, Any]) -> Comparison:
    """Match cases by id between two `report_json` records and sort the differences."""
    before = {str(c["id"]): c for c in previous["cases"]}
    after = {str(c["id"]): c for c in current["cases"]}
    better: list[CaseChange] = []
    worse: list[CaseChange] = []
    rerouted: list[CaseChange] = []
    added: list[CaseChange] = []
    for case_id, now in after.items():
        old = before.get(case_id)
        if old is None:
            added.append(_change(case_id, None, now))
        elif bool(now["passed"]) != bool(old["passed"]):
            (better if now["passed"] else worse).append(_change(case_id, old, now))
        elif now.get("route") != old.get("route"):
            rerouted.append(_change(case_id, old, now))
    removed = [_change(case_id, old, None) for case_id, old in before.items() if case_id not in after]
    routes = sorted(set(previous.get("by_route", {})) | set(current.get("by_route", {})))
    return Comparison(
        suite=str(current.get("suite", previous.get("suite", "suite"))),
        accuracy=(float(previous.get("accuracy", 0.0)), float(current.get("accuracy", 0.0))),
        by_route={r: (_route_counts(previous, r), _route_counts(current, r)) for r in routes},
        latency=(_latency(previous), _latency(current)),
        better=better, worse=worse, rerouted=rerouted, added=added, removed=removed,
    )


def _change(case_id: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> CaseChange:
    def verdict(case: Mapping[str, Any] | None) -> str:
        return "absent" if case is None else ("passed" if case["passed"] else "failed")

    shown = new if new is not None and (not new["passed"] or old is None) else old
    return CaseChange(
        id=case_id,
        question=str((new or old or {}).get("question", "")),
        before=verdict(old),
        after=verdict(new),
        route_before=None if old is None else old.get("route"),
        route_after=None if new is None else new.get("route"),
        reasons=tuple(str(r) for r in (shown or {}).get("reasons", [])),
    )


def _route_counts(report: Mapping[str, Any], route: str) -> tuple[int, int]:
    counts = report.get("by_route", {}).get(route, {})
    return int(counts.get("passed", 0)), int(counts.get("cases", 0))


def _latency(report: Mapping[str, Any]) -> tuple[float, float]:
    latency = report.get("latency_ms", {})
    return float(latency.get("p50", 0.0)), float(latency.get("p95", 0.0))


def render_comparison(comparison: Comparison) -> str:
    """The comparison as Markdown: accuracy and latency before and after, then each changed case."""
    (was, now), ((p50_was, p95_was), (p50_now, p95_now)) = comparison.accuracy, comparison.latency
    lines = [
        f"## Compared with the previous run: {comparison.suite}",
        "",
        f"**Accuracy {was:.1%} -> {now:.1%}** ({(now - was) * 100:+.1f} points): "
        f"{len(comparison.better)} better, {len(comparison.worse)} worse, {len(comparison.rerouted)} on another "
        f"route with the same verdict, {len(comparison.added)} new, {len(comparison.removed)} gone. "
        f"Latency p50 {p50_was:.1f} -> {p50_now:.1f} ms, p95 {p95_was:.1f} -> {p95_now:.1f} ms.",
        "",
        "| expected route | before | after | change |",
        "|---|---:|---:|---:|",
    ]
    for route, ((ok_was, n_was), (ok_now, n_now)) in comparison.by_route.items():
        was_cell = f"{ok_was / n_was:.1%} ({ok_was}/{n_was})" if n_was else "-"
        now_cell = f"{ok_now / n_now:.1%} ({ok_now}/{n_now})" if n_now else "-"
        delta = f"{(ok_now / n_now - ok_was / n_was) * 100:+.1f}" if n_was and n_now else "-"
        lines.append(f"| {route} | {was_cell} | {now_cell} | {delta} |")
    sections = [("Worse", comparison.worse), ("Better", comparison.better),
                ("Same verdict, another route", comparison.rerouted), ("New cases", comparison.added),
                ("Cases no longer in the suite", comparison.removed)]
    for title, changes in sections:
        if not changes:
            continue
        lines += ["", f"### {title} ({len(changes)})", ""]
        for change in changes:
            route = (change.route_before or "-") if change.route_before == change.route_after else \
                f"{change.route_before or '-'} -> {change.route_after or '-'}"
            lines.append(f"- **{change.id}** ({change.before} -> {change.after}, route {route}): {change.question}"
                         + (f"  \n  {'; '.join(change.reasons)}" if change.reasons else ""))
    return "\n".join(lines) + "\n"

"""Comparing two runs of an evaluation suite: which cases got better or worse, or changed route."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


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

"""The evaluation report: per-route chart, comparing a run with a previous `--json` report, the store checked first."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.comparison import ComparisonError, compare_reports, load_report, render_comparison
from bot.evaluate import Report, render_markdown, route_chart
from index.build import ingest
from index.embed import Embedder

SAMPLE = Path(__file__).resolve().parents[2] / "corpus" / "sample" / "articles"
HUSTINGS = Path(sys.executable).with_name("hustings")


def case(case_id: str, passed: bool, route: str = "sql", reasons: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"id": case_id, "question": f"question {case_id}?", "passed": passed, "reasons": list(reasons),
            "route": route, "answer": "...", "latency_ms": 5.0}


def report(*cases: dict[str, Any], p50: float = 5.0) -> dict[str, Any]:
    by_route: dict[str, dict[str, int]] = {}
    for c in cases:
        counts = by_route.setdefault(c["route"], {"passed": 0, "cases": 0})
        counts["passed"] += c["passed"]
        counts["cases"] += 1
    return {"suite": "factual.yaml", "accuracy": sum(c["passed"] for c in cases) / len(cases), "by_route": by_route,
            "latency_ms": {"p50": p50, "p95": 2 * p50}, "cases": list(cases)}


def test_compare_sorts_cases_into_better_worse_rerouted_new_and_gone() -> None:
    before = report(case("a", True), case("b", False, reasons=("missing 12",)), case("c", True),
                    case("d", False, "none"), case("gone", True))
    after = report(case("a", False, reasons=("missing 40",)), case("b", True), case("c", True),
                   case("d", False, "passages"), case("new", True))
    comparison = compare_reports(before, after)
    assert [c.id for c in comparison.worse] == ["a"] and comparison.worse[0].reasons == ("missing 40",)
    assert [c.id for c in comparison.better] == ["b"] and comparison.better[0].reasons == ("missing 12",)
    assert [(c.id, c.route_before, c.route_after) for c in comparison.rerouted] == [("d", "none", "passages")]
    assert [c.id for c in comparison.added] == ["new"] and [c.id for c in comparison.removed] == ["gone"]
    assert comparison.accuracy == (0.6, 0.6)


def test_an_unchanged_run_has_nothing_to_report_but_the_figures() -> None:
    same = report(case("a", True), case("b", False))
    comparison = compare_reports(same, same)
    assert not (comparison.better or comparison.worse or comparison.rerouted or comparison.added or comparison.removed)
    text = render_comparison(comparison)
    assert "0 better, 0 worse" in text and "###" not in text


def test_rendered_comparison_names_each_changed_case_with_its_reason() -> None:
    before = report(case("fact-001", True), case("fact-002", False, reasons=("route none, expected sql",)), p50=4.0)
    after = report(case("fact-001", False, reasons=("missing 12",)), case("fact-002", True), p50=6.0)
    text = render_comparison(compare_reports(before, after))
    assert "### Worse (1)" in text and "**fact-001** (passed -> failed, route sql): question fact-001?" in text
    assert "missing 12" in text
    assert "### Better (1)" in text and "route none, expected sql" in text
    assert "p50 4.0 -> 6.0 ms" in text
    assert "| sql | 50.0% (1/2) | 50.0% (1/2) | +0.0 |" in text


def test_previous_report_that_is_not_an_eval_json_is_refused_with_the_reason(tmp_path: Path) -> None:
    bad = tmp_path / "previous.json"
    bad.write_text('{"accuracy": 0.9}', encoding="utf-8")
    with pytest.raises(ComparisonError, match="no 'cases' list"):
        load_report(bad)
    with pytest.raises(ComparisonError, match="cannot read"):
        load_report(tmp_path / "missing.json")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(report(case("a", True))), encoding="utf-8")
    assert load_report(good)["cases"][0]["id"] == "a"


def test_route_chart_draws_one_bar_per_route_in_proportion() -> None:
    lines = route_chart({"sql": (9, 10), "none": (1, 4)}, width=10)
    assert lines[0] == lines[-1] == "```"
    assert lines[1] == "none ██░░░░░░░░  25.0% (1/4)"
    assert lines[2] == "sql  █████████░  90.0% (9/10)"
    assert "Accuracy per expected route" in render_markdown(Report("empty"))


@pytest.mark.model
def test_eval_command_compares_with_a_previous_json_report(tmp_path: Path, real_embedder: Embedder) -> None:
    ingest([SAMPLE], tmp_path / "data", real_embedder)
    env = {**os.environ, "HUSTINGS_DATA_DIR": str(tmp_path / "data")}
    suite = tmp_path / "suite.yaml"
    suite.write_text(
        "- id: hull\n  ask: What happened to the Lib Dems in Hull?\n  route: [passages, hybrid]\n"
        "- id: weather\n  ask: What will the weather be on Tuesday?\n  route: none\n", encoding="utf-8")
    # The previous run: 'hull' failed on another route, 'weather' passed, 'old' has since left the suite.
    previous = report(case("hull", False, "none", ("route none, expected passages/hybrid",)),
                      case("weather", True, "none"), case("old", True))
    (tmp_path / "previous.json").write_text(json.dumps(previous), encoding="utf-8")
    result = subprocess.run(
        [str(HUSTINGS), "eval", str(suite), "--compare", str(tmp_path / "previous.json"),
         "--json", str(tmp_path / "now.json"), "--report", str(tmp_path / "report.md")],
        capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    now = json.loads((tmp_path / "now.json").read_text(encoding="utf-8"))
    verdicts = {c["id"]: c["passed"] for c in now["cases"]}
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "Compared with the previous run" in markdown and "### Cases no longer in the suite (1)" in markdown
    assert "compared with" in result.stdout and "1 gone" in result.stdout
    # the chart beside the Markdown, linked from it
    assert (tmp_path / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "![Accuracy per expected route and route confusion](report.png)" in markdown
    if verdicts["hull"]:
        assert "BETTER hull" in result.stdout and "### Better" in markdown
    if not verdicts["weather"]:
        assert "WORSE weather" in result.stdout


@pytest.mark.model
def test_eval_command_refuses_a_suite_the_store_cannot_hold_unless_forced(
    tmp_path: Path, real_embedder: Embedder
) -> None:
    ingest([SAMPLE], tmp_path / "data", real_embedder)  # articles, and no results
    env = {**os.environ, "HUSTINGS_DATA_DIR": str(tmp_path / "data")}
    suite = tmp_path / "factual.yaml"
    suite.write_text("- ask: How many seats did Labour win in Hull in 2018?\n  route: sql\n"
                     "- ask: Why did Trafford slip into no overall control?\n  route: [passages, hybrid]\n",
                     encoding="utf-8")
    refused = subprocess.run([str(HUSTINGS), "eval", str(suite), "--report", str(tmp_path / "r.md")],
                             capture_output=True, text=True, env=env, timeout=300)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert f"cannot hold the answers of {suite}" in refused.stderr
    assert "1 of its 2 cases are answered from the results, and the store holds no results" in refused.stderr
    assert "`make eval`" in refused.stderr and "--force" in refused.stderr
    assert not (tmp_path / "r.md").exists() and "accuracy" not in refused.stdout
    forced = subprocess.run([str(HUSTINGS), "eval", str(suite), "--force"], capture_output=True, text=True, env=env,
                            timeout=300)
    assert forced.returncode == 0, forced.stderr
    assert "factual.yaml: accuracy" in forced.stdout and "over 2 cases" in forced.stdout


def test_eval_command_refuses_a_previous_report_it_cannot_read(tmp_path: Path) -> None:
    (tmp_path / "suite.yaml").write_text("- ask: Who won Hartlepool in 2019?\n", encoding="utf-8")
    (tmp_path / "previous.json").write_text("not json", encoding="utf-8")
    result = subprocess.run(
        [str(HUSTINGS), "eval", str(tmp_path / "suite.yaml"), "--compare", str(tmp_path / "previous.json")],
        capture_output=True, text=True, env={**os.environ, "HUSTINGS_DATA_DIR": str(tmp_path)}, timeout=120)
    assert result.returncode == 2 and "cannot read previous report" in result.stderr


def test_the_time_a_file_was_loaded_is_no_figure_a_case_can_match() -> None:
    from bot.answer import Answer
    from bot.evaluate import Case, check

    case = Case(id="c", turns=("How many seats?",), routes=("sql",), expect=((" 16:", " 16 "),))
    loaded = Answer("They won 4 seats (source: Andrew Teale, LEAP, CC BY-SA 3.0, as loaded at 16:08 UTC).", "sql",
                    0.9, outcome="figure")
    assert check(case, loaded) == ("missing  16: |  16 ",)
    assert check(case, Answer("They won 16 seats (source: LEAP).", "sql", 0.9, outcome="figure")) == ()

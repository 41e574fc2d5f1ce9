"""The evaluation report's PNG chart: written, a real PNG of a readable size, drawn from the report's own numbers."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

from bot.answer import Answer
from bot.eval_chart import GET_CHART, chart_markdown, draw_chart
from bot.evaluate import ROUTES, Case, Outcome, Report, render_markdown, report_json


def outcome(n: int, expected: str, given: str, passed: bool) -> Outcome:
    case = Case(id=f"c{n}", turns=(f"question {n}?",), routes=(expected,))
    answer = Answer("…", given, 0.5, outcome="figure" if given == "sql" else "refused")  # type: ignore[arg-type]
    return Outcome(case, answer, passed, () if passed else ("wrong",), 3.0)


def a_report() -> Report:
    report = Report("factual.yaml")
    plan = [("sql", "sql", True)] * 9 + [("sql", "none", False)] * 2 + [("sql", "passages", False)] + \
        [("passages", "passages", True)] * 3 + [("passages", "hybrid", False)] + [("none", "none", True)] * 4
    report.outcomes.extend(outcome(n, *step) for n, step in enumerate(plan))
    return report


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_the_chart_is_a_png_drawn_from_the_reports_accuracy_and_confusion(tmp_path: Path) -> None:
    report = a_report()
    drawn = draw_chart(report, tmp_path / "factual-report.png")
    assert drawn is not None
    width, height = png_size(tmp_path / "factual-report.png")
    assert 900 <= width <= 2000 and 350 <= height <= 1000
    assert (tmp_path / "factual-report.png").stat().st_size > 10_000  # drawn, not an empty canvas
    by_route = report_json(report)["by_route"]
    assert drawn.routes == ("sql", "passages", "none")  # in ROUTES order, top to bottom
    assert drawn.bars == tuple(100 * by_route[r]["passed"] / by_route[r]["cases"] for r in drawn.routes)
    assert drawn.labels == ("75.0% (9/12)", "75.0% (3/4)", "100.0% (4/4)")
    confusion = report.confusion()
    assert drawn.given == ROUTES and drawn.expected == ("sql", "passages", "none")
    assert drawn.cells == tuple(tuple(confusion[(e, g)] for g in ROUTES) for e in drawn.expected)
    assert drawn.cells[0] == (9, 1, 0, 2)


def test_the_report_links_its_chart_or_says_how_to_get_one(tmp_path: Path) -> None:
    report = a_report()
    png = tmp_path / "factual-report.png"
    markdown = render_markdown(report, chart_markdown(png, draw_chart(report, png)))
    assert "![Accuracy per expected route and route confusion](factual-report.png)" in markdown
    assert markdown.index("factual-report.png") < markdown.index("| expected route |")
    assert GET_CHART in chart_markdown(png, None)


def test_without_matplotlib_nothing_is_drawn_and_nothing_fails(tmp_path: Path) -> None:
    # A fresh interpreter in which matplotlib cannot be imported, as on an install without the `eval` extra.
    script = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "from pathlib import Path\n"
        "from bot.eval_chart import draw_chart\n"
        "from bot.evaluate import Report\n"
        f"print(draw_chart(Report('s'), Path({str(tmp_path / 'r.png')!r})))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None" and not (tmp_path / "r.png").exists()

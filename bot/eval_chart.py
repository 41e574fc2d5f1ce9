"""The evaluation report's chart, like `rasa test`'s: accuracy per expected route and the route confusion matrix,
as a PNG beside the Markdown; matplotlib is optional (`pip install 'hustings[eval]'`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.evaluate import ROUTES, Report

GET_CHART = "pip install 'hustings[eval]'"
GOOD, POOR = "#2e7d32", "#c62828"  # a route at or above 80% is drawn green, below it red
GOOD_FROM = 0.8


@dataclass(frozen=True, slots=True)
class ChartNumbers:
    """What the chart shows, read back from what was drawn: per route (passed, cases) and its bar's length,
    and the confusion matrix (rows: expected routes, columns: routes given)."""

    routes: tuple[str, ...]
    bars: tuple[float, ...]  # accuracy in percent, each bar's drawn length
    labels: tuple[str, ...]  # the text at each bar's end, "90.0% (9/10)"
    expected: tuple[str, ...]
    given: tuple[str, ...]
    cells: tuple[tuple[int, ...], ...]  # the counts drawn in the matrix's cells


def draw_chart(report: Report, path: Path) -> ChartNumbers | None:
    """Write the report's chart as a PNG at `path`; None (and nothing written) where matplotlib is not installed."""
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")  # files only: no display is needed, or wanted on a server
    import matplotlib.pyplot as plt

    by_route = dict(sorted(report.accuracy_by_route().items(), key=lambda item: ROUTES.index(item[0])))
    confusion = report.confusion()
    expected = tuple(r for r in ROUTES if any(confusion[(r, g)] for g in ROUTES))
    counts = [[confusion[(e, g)] for g in ROUTES] for e in expected]
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": [1.1, 1]})
    passed = sum(o.passed for o in report.outcomes)
    figure.suptitle(f"{report.suite}: {passed:,} of {len(report.outcomes):,} cases passed ({report.accuracy:.1%})",
                    fontsize=14, fontweight="bold")

    shares = [100 * ok / total if total else 0.0 for ok, total in by_route.values()]
    bars = left.barh(list(by_route), shares, height=0.6, color=[GOOD if s >= 100 * GOOD_FROM else POOR for s in shares])
    labels = [f"{s:.1f}% ({ok}/{total})" for s, (ok, total) in zip(shares, by_route.values(), strict=True)]
    annotations = left.bar_label(bars, labels=labels, padding=4, fontsize=10)
    left.set_xlim(0, 125)  # room for the labels past a full bar
    left.set_xticks([0, 25, 50, 75, 100])
    # routes read top to bottom in ROUTES order; one or two bars keep the width of three, centred
    pad = (max(len(by_route), 3) - len(by_route)) / 2 + 0.5
    left.set_ylim(len(by_route) - 1 + pad, -pad)
    left.set_xlabel("cases passed (%)")
    left.set_title("Accuracy per expected route")
    left.spines[["top", "right"]].set_visible(False)

    image = right.imshow(counts or [[0] * len(ROUTES)], cmap="Blues", aspect="auto", vmin=0)
    peak = max((max(row) for row in counts), default=0)
    for row, line in enumerate(counts):
        for column, count in enumerate(line):
            shade = "white" if peak and count > peak / 2 else "black"
            right.text(column, row, f"{count:,}", ha="center", va="center", color=shade, fontsize=11)
    right.set_xticks(range(len(ROUTES)), ROUTES)
    right.set_yticks(range(len(expected)), expected)
    right.set_xlabel("route given")
    right.set_ylabel("route expected")
    right.set_title("Route confusion (cases)")
    figure.colorbar(image, ax=right, fraction=0.046, pad=0.04)

    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    # Read back from the drawing, not from the counts it was given: a test then checks what a reader sees.
    cells = [int(t.get_text().replace(",", "")) for t in right.texts]
    return ChartNumbers(
        routes=tuple(t.get_text() for t in left.get_yticklabels()), bars=tuple(float(b.get_width()) for b in bars),
        labels=tuple(a.get_text() for a in annotations), expected=tuple(t.get_text() for t in right.get_yticklabels()),
        given=tuple(t.get_text() for t in right.get_xticklabels()),
        cells=tuple(tuple(cells[i:i + len(ROUTES)]) for i in range(0, len(cells), len(ROUTES))),
    )


def chart_markdown(png: Path, drawn: ChartNumbers | None) -> str:
    """The report's line for its chart: the image, or how to get one."""
    if drawn is None:
        return f"_A chart of these figures is written beside this report with matplotlib: `{GET_CHART}`._"
    return f"![Accuracy per expected route and route confusion]({png.name})"

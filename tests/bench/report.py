"""Assemble every `var/bench/*.json` into `bench-report.md` and a PNG chart of latency per route.

Run with `make bench-report` (the last step of `make bench`). Each benchmark wrote its own JSON
(tests/bench/record.py); this only reads them, so a benchmark that was not run is simply absent.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from tests.bench.record import BENCH_DIR

# The order areas appear in; benchmarks not listed here follow in name order.
ORDER = ("ingest", "results", "sql", "passages", "http", "router", "peers", "peers-scale", "scale", "index-types",
         "bm25-topk")


def load_results(directory: Path) -> dict[str, dict[str, Any]]:
    """name -> record, for every readable `<name>.json` in `directory`, in report order."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            print(f"skipped {path}: {error}")
            continue
        if isinstance(record, dict) and isinstance(record.get("rows", []), list):
            found[path.stem] = record
    rank = {name: i for i, name in enumerate(ORDER)}
    return dict(sorted(found.items(), key=lambda item: (rank.get(item[0], len(ORDER)), item[0])))


def markdown_table(rows: list[dict[str, Any]]) -> list[str]:
    """Rows as a Markdown table whose columns are every key, in first-seen order."""
    columns: list[str] = []
    for row in rows:
        columns += [key for key in row if key not in columns]
    if not columns:
        return []
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join(_cell(row.get(column, "")) for column in columns) + " |")
    return lines


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 1 else f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    return str(value).replace("|", "\\|")


def latencies(results: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Every "<route or label>" -> {p50, p95} across the benchmarks, labelled by benchmark when names clash."""
    merged: dict[str, dict[str, float]] = {}
    for name, record in results.items():
        for label, figures in (record.get("latency_ms") or {}).items():
            merged[label if label not in merged else f"{label} ({name})"] = figures
    return merged


def render_report(results: dict[str, dict[str, Any]], chart: str | None) -> str:
    """The whole report: a latency summary, then one section per benchmark."""
    lines = ["# hustings benchmarks", "",
             "Assembled by `make bench-report` from `var/bench/*.json`; each section says what was measured.", ""]
    merged = latencies(results)
    if merged:
        lines += ["## Latency per route (ms)", "", "| route | p50 | p95 |", "|---|---:|---:|"]
        lines += [f"| {label} | {f['p50']:.1f} | {f['p95']:.1f} |" for label, f in merged.items()]
        if chart:
            lines += ["", f"![latency per route]({chart})"]
        lines.append("")
    for name, record in results.items():
        lines += [f"## {record.get('title', name)}", ""]
        if record.get("measured"):
            lines += [f"_{name}, measured {record['measured']}_", ""]
        lines += markdown_table(record.get("rows", []))
        notes = record.get("notes", [])
        lines += ([""] + [f"- {note}" for note in notes] if notes else []) + [""]
    return "\n".join(lines)


def draw_chart(merged: dict[str, dict[str, float]], path: Path) -> bool:
    """A horizontal bar chart of p50 and p95 per route (log scale: routes span 1 ms to seconds)."""
    if not merged:
        return False
    import matplotlib

    matplotlib.use("Agg")  # no display on a server
    import matplotlib.pyplot as plt

    labels = list(merged)
    p50 = [merged[label]["p50"] for label in labels]
    p95 = [merged[label]["p95"] for label in labels]
    figure, axes = plt.subplots(figsize=(9, 0.45 * len(labels) + 1.5))
    rows = range(len(labels))
    axes.barh([r - 0.2 for r in rows], p50, height=0.4, label="p50")
    axes.barh([r + 0.2 for r in rows], p95, height=0.4, label="p95")
    axes.set_yticks(list(rows), labels)
    axes.invert_yaxis()
    axes.set_xscale("log")
    axes.set_xlabel("milliseconds (log scale)")
    axes.set_title("hustings latency per route")
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return True


def main() -> None:
    """Read the JSON files, write the Markdown report and the chart."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--results", type=Path, default=BENCH_DIR)
    parser.add_argument("--out", type=Path, default=Path("bench-report.md"))
    args = parser.parse_args()
    results = load_results(args.results)
    if not results:
        raise SystemExit(f"no benchmark results in {args.results}: run `make bench` first")
    chart = args.out.with_suffix(".png")
    drawn = draw_chart(latencies(results), chart)
    args.out.write_text(render_report(results, chart.name if drawn else None), encoding="utf-8")
    print(f"wrote {args.out}" + (f" and {chart}" if drawn else "") + f" from {len(results)} benchmarks")


if __name__ == "__main__":
    main()

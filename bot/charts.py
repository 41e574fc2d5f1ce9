"""What a results answer can be drawn as: the bars an intent's rows make, declared by its `chart` in registry.yaml.

The interfaces draw; this module only says what to draw, from the rows the answer already shows, so a chart
can never carry a number the answer does not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

ChartKind = Literal["bars", "composition"]  # composition: one council's seats, drawn with its majority line
CHART_KINDS = ("bars", "composition")
MOST_BARS = 25


@dataclass(frozen=True, slots=True)
class ChartSpec:
    """An intent's chart: which column of its rows is each bar's value, which its label, and which (if any)
    the whole the bars are parts of (a council's seats)."""

    value: str
    label: str
    kind: ChartKind = "bars"
    total: str | None = None
    party: str = "party_code"  # the column naming each bar's party, which gives its colour


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: what it is, its figure, and the party whose colour it takes (None: not a party's)."""

    label: str
    value: float
    party: str | None


@dataclass(frozen=True, slots=True)
class Chart:
    """Bars to draw beside an answer, with the measure they show and the place and day they are of."""

    kind: ChartKind
    measure: str  # the value column in words: "seats held", "majority"
    title: str
    bars: tuple[Bar, ...]
    total: float | None = None
    columns: tuple[str, str] = ("", "")  # the rows' label and value columns the bars are drawn from


def chart_spec(entry: object, intent: str) -> ChartSpec | None:
    """Read a registry entry's `chart:` mapping (None when it has none); a bad one names the intent."""
    if entry is None:
        return None
    if not isinstance(entry, Mapping) or not {"value", "label"} <= set(entry):
        raise ValueError(f"intent {intent!r}: chart needs `value` and `label` columns, got {entry!r}")
    kind = entry.get("kind", "bars")
    if kind not in CHART_KINDS:
        raise ValueError(f"intent {intent!r}: chart kind must be one of {', '.join(CHART_KINDS)}, got {kind!r}")
    return ChartSpec(str(entry["value"]), str(entry["label"]), kind, entry.get("total"),
                     str(entry.get("party", "party_code")))


def draw_chart(spec: ChartSpec | None, rows: Sequence[Mapping[str, Any]], title: str) -> Chart | None:
    """The chart of the rows that carry the spec's value and label (an answer's rows may join several
    queries); None when fewer than two bars would be drawn, since one bar says nothing a sentence does not."""
    if spec is None:
        return None
    bars = [Bar(str(row[spec.label]), float(row[spec.value]), row.get(spec.party))
            for row in rows if row.get(spec.value) is not None and row.get(spec.label) is not None]
    if len(bars) < 2:
        return None
    totals = [row[spec.total] for row in rows if spec.total and row.get(spec.total) is not None]
    return Chart(spec.kind, spec.value.replace("_percent", " %").replace("_", " "), title,
                 tuple(bars[:MOST_BARS]), float(totals[0]) if totals else None, (spec.label, spec.value))

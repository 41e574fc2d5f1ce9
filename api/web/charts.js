// Charts of a results answer, drawn as inline SVG from the `charts` the server sends: every number drawn is
// one of the answer's rows. Bars take their party's colour; every bar has its figure written on it and a
// <title>, and the chart as a whole a text alternative naming every bar.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
// Colours as the parties use them (and as UK newsrooms draw them); anything else is grey.
const PARTY_COLOURS = {
  LAB: "#d50000", CON: "#0087dc", LD: "#faa61a", GRN: "#5fb25f", SNP: "#fdd835", PC: "#005b54",
  RUK: "#12b6cf", BRX: "#12b6cf", UKIP: "#70147a", REF: "#12b6cf", IND: "#b0a8a0", DUP: "#d46a4c",
  SF: "#326760", SDLP: "#2aa82c", ALL: "#f6cb2f", UUP: "#48a5ee", SPK: "#7f7f7f", NAT: "#7b9f3c",
  RA: "#8e7cc3", OTH: "#9e9e9e",
};
const NEUTRAL = "#7a8699";
const BAR = 22;
const GAP = 6;

export const formatNumber = (value) =>
  Number.isInteger(value) ? value.toLocaleString("en-GB") : value.toLocaleString("en-GB", { maximumFractionDigits: 1 });

function colourOf(party) {
  return (party && PARTY_COLOURS[party]) || NEUTRAL;
}

// A light bar needs dark writing on it.
function inkOn(colour) {
  const [r, g, b] = [1, 3, 5].map((at) => parseInt(colour.slice(at, at + 2), 16));
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? "#1d1f24" : "#ffffff";
}

function node(tag, attributes = {}, text) {
  const made = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, String(value));
  if (text !== undefined) made.textContent = text;
  return made;
}

function unitOf(chart) {
  return chart.measure.endsWith(" %") ? "%" : "";
}

function described(chart) {
  const unit = unitOf(chart);
  const bars = chart.bars.map((bar) => `${bar.label} ${formatNumber(bar.value)}${unit}`).join(", ");
  const whole = chart.total ? ` of ${formatNumber(chart.total)}` : "";
  return `${chart.measure}${whole}, ${chart.title}: ${bars}`;
}

// One horizontal bar per row, labels on the left, figures on (or beside) the bars; negative values (a net
// loss) run left of a zero line.
function barChart(chart, width) {
  const unit = unitOf(chart);
  const labelWidth = Math.min(width * 0.4, 12 + 7.2 * Math.max(...chart.bars.map((bar) => bar.label.length)));
  const plot = width - labelWidth - 60;
  const values = chart.bars.map((bar) => bar.value);
  const low = Math.min(0, ...values);
  const high = Math.max(0, ...values, chart.total || 0) || 1;
  const scale = plot / (high - low);
  const zero = labelWidth + -low * scale;
  const height = chart.bars.length * (BAR + GAP) + GAP;
  const svg = node("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart chart-bars" });
  chart.bars.forEach((bar, at) => {
    const y = GAP + at * (BAR + GAP);
    const group = node("g", { class: "bar", "data-value": bar.value, "data-label": bar.label });
    group.appendChild(node("title", {}, `${bar.label}: ${formatNumber(bar.value)}${unit}`));
    const room = Math.floor((labelWidth - 12) / 7.2);
    const label = bar.label.length > room ? `${bar.label.slice(0, room - 1)}…` : bar.label;
    group.appendChild(node("text", { x: labelWidth - 8, y: y + BAR * 0.7, "text-anchor": "end", class: "label" }, label));
    const length = Math.max(Math.abs(bar.value) * scale, 1);
    const x = bar.value < 0 ? zero - length : zero;
    const colour = colourOf(bar.party);
    group.appendChild(node("rect", { x, y, width: length, height: BAR, rx: 3, fill: colour }));
    const figure = `${formatNumber(bar.value)}${unit}`;
    const inside = length > 9 * figure.length + 8;
    const atX = bar.value < 0 ? (inside ? x + 6 : x - 6) : (inside ? x + length - 6 : x + length + 6);
    const anchor = (bar.value < 0) === inside ? "start" : "end";
    group.appendChild(node("text", {
      x: atX, y: y + BAR * 0.7, "text-anchor": inside ? anchor : (bar.value < 0 ? "end" : "start"),
      class: "figure", fill: inside ? inkOn(colour) : "#1d1f24",
    }, figure));
    svg.appendChild(group);
  });
  if (low < 0) svg.appendChild(node("line", { x1: zero, x2: zero, y1: 0, y2: height, class: "zero" }));
  return svg;
}

// One council's seats as a single stacked bar, largest party first, with the line a majority must pass.
function compositionChart(chart, width) {
  const total = chart.total || chart.bars.reduce((sum, bar) => sum + bar.value, 0);
  const needed = Math.floor(total / 2) + 1;
  const scale = (width - 2) / total;
  const svg = node("svg", { viewBox: `0 0 ${width} 68`, role: "img", class: "chart chart-composition" });
  let x = 1;
  for (const bar of chart.bars) {
    const share = bar.value * scale;
    const colour = colourOf(bar.party);
    const group = node("g", { class: "bar", "data-value": bar.value, "data-label": bar.label });
    group.appendChild(node("title", {}, `${bar.label}: ${formatNumber(bar.value)} of ${formatNumber(total)} seats`));
    group.appendChild(node("rect", { x, y: 22, width: share, height: 34, fill: colour, stroke: "#fff",
      "stroke-width": 1 }));
    if (share > 26) {
      group.appendChild(node("text", { x: x + share / 2, y: 44, "text-anchor": "middle", class: "figure",
        fill: inkOn(colour) }, formatNumber(bar.value)));
    }
    svg.appendChild(group);
    x += share;
  }
  const line = 1 + needed * scale;
  svg.appendChild(node("line", { x1: line, x2: line, y1: 14, y2: 64, class: "majority" }));
  svg.appendChild(node("text", { x: line, y: 10, "text-anchor": "middle", class: "note" },
    `${formatNumber(needed)} for a majority`));
  return svg;
}

// The parties of a composition, each with its colour, as a list that wraps on a narrow screen.
function legendOf(chart) {
  const list = document.createElement("ul");
  list.className = "legend";
  for (const bar of chart.bars) {
    const item = document.createElement("li");
    const swatch = node("svg", { viewBox: "0 0 10 10", width: 10, height: 10, "aria-hidden": "true" });
    swatch.appendChild(node("rect", { width: 10, height: 10, rx: 2, fill: colourOf(bar.party) }));
    item.append(swatch, ` ${bar.label} ${formatNumber(bar.value)}`);
    list.appendChild(item);
  }
  return list;
}

/** A <figure> with the chart and its caption, for one of an answer's `charts`, drawn `width` pixels wide
 * so that its writing is the page's size at any screen width. */
export function drawChart(chart, width) {
  const figure = document.createElement("figure");
  figure.className = "chart";
  figure.dataset.kind = chart.kind;
  const drawn = Math.round(Math.max(280, Math.min(640, width)));
  const svg = chart.kind === "composition" ? compositionChart(chart, drawn) : barChart(chart, drawn);
  svg.setAttribute("aria-label", described(chart));
  svg.setAttribute("width", drawn);
  figure.appendChild(svg);
  if (chart.kind === "composition") figure.appendChild(legendOf(chart));
  const caption = document.createElement("figcaption");
  const whole = chart.total && chart.kind === "composition" ? ` (of ${formatNumber(chart.total)})` : "";
  caption.textContent = `${chart.measure[0].toUpperCase()}${chart.measure.slice(1)}${whole} · ${chart.title}`;
  figure.appendChild(caption);
  return figure;
}

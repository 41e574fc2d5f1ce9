// The sources page: GET /sources drawn as two tables. Text from the server is set as text, never HTML.
import { formatNumber } from "./charts.js";

const cell = (row, text, className) => {
  const td = row.insertCell();
  td.textContent = text ?? "—";
  if (className) td.className = className;
  return td;
};

const when = (stamp) => new Date(stamp).toLocaleString("en-GB", {
  day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "UTC",
}) + " UTC";

function link(text, url) {
  if (!url) return document.createTextNode(text);
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.rel = "noopener noreferrer";
  anchor.textContent = text;
  return anchor;
}

async function show() {
  const status = document.getElementById("sources-status");
  const response = await fetch("/sources");
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    status.textContent = `The sources could not be read: ${problem.detail || response.statusText}`;
    return;
  }
  const { datasets, articles } = await response.json();
  const datasetRows = document.querySelector("#datasets tbody");
  for (const dataset of datasets) {
    const row = datasetRows.insertRow();
    row.id = `dataset-${dataset.file}`;
    row.insertCell().appendChild(link(dataset.title, dataset.url));
    cell(row, dataset.publisher);
    cell(row, dataset.licence);
    cell(row, formatNumber(dataset.rows), "number");
    cell(row, when(dataset.loaded_at));
    cell(row, dataset.retrieved);
    cell(row, dataset.file, "file");
  }
  const outletRows = document.querySelector("#outlets tbody");
  for (const outlet of articles) {
    const row = outletRows.insertRow();
    cell(row, outlet.source);
    cell(row, formatNumber(outlet.articles), "number");
    cell(row, formatNumber(outlet.with_url), "number");
  }
  status.textContent = `${formatNumber(datasets.length)} datasets, ${formatNumber(articles.length)} outlets.`;
  if (location.hash) document.getElementById(decodeURIComponent(location.hash.slice(1)))?.classList.add("chosen");
}

show();

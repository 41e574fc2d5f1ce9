// The hustings chat page: no build step, no framework. Every text from the server is set with
// textContent, never as HTML, so a question or an article that contains markup stays text.
import { drawChart, formatNumber } from "./charts.js";
import { copyText, csvOf, download, permalink, plainAnswer } from "./export.js";

const messages = document.getElementById("messages");
const form = document.getElementById("ask");
const input = document.getElementById("question");
const send = document.getElementById("send");
const dialog = document.getElementById("passage");
const ROUTE_NAMES = { sql: "results", passages: "coverage", hybrid: "results + coverage", none: "no answer" };
const WEAK = 0.35; // below this a quote is a weak match (bot/routes.py refuses lower still)
const SHOWN_ROWS = 25;
const NOT_NUMBERS = new Set(["year", "ons_code", "election_id"]); // figures that are names, not amounts

let sessionId = sessionStorage.getItem("hustings-session");

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function addMessage(who, build) {
  const item = element("li", `message ${who}`);
  build(item);
  messages.appendChild(item);
  item.scrollIntoView({ block: "end", behavior: "smooth" });
  return item;
}

const longDate = (iso) => new Date(`${iso}T00:00:00Z`).toLocaleDateString("en-GB",
  { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

function externalLink(text, url, className) {
  const anchor = element("a", className, text);
  anchor.href = url;
  anchor.target = "_blank";
  anchor.rel = "noopener noreferrer";
  return anchor;
}

// The sentences an answer quotes from citation n: “…” [n], several joined by " … ".
function quotedFor(answerText, n) {
  const quoted = [];
  const pattern = /“([^”]*)” \[(\d+)\]/g;
  for (const match of answerText.matchAll(pattern)) {
    if (Number(match[2]) === n) quoted.push(...match[1].split(" … "));
  }
  return quoted.filter((q) => q.trim().length > 0);
}

// The passage text with each quoted sentence wrapped in <mark>, built from text nodes.
function highlighted(text, quotes) {
  const fragment = document.createDocumentFragment();
  const spans = quotes
    .map((q) => [text.indexOf(q), q.length])
    .filter(([at]) => at >= 0)
    .sort((a, b) => a[0] - b[0]);
  let cursor = 0;
  for (const [at, length] of spans) {
    if (at < cursor) continue;
    fragment.appendChild(document.createTextNode(text.slice(cursor, at)));
    fragment.appendChild(element("mark", "", text.slice(at, at + length)));
    cursor = at + length;
  }
  fragment.appendChild(document.createTextNode(text.slice(cursor)));
  return fragment;
}

// "BBC News · 5 May 2018 · open the article": who published it, when, and where to read it whole.
function whereFrom(citation) {
  const line = element("span", "where");
  const parts = [citation.source, citation.published ? longDate(citation.published) : "undated"].filter(Boolean);
  line.appendChild(document.createTextNode(parts.join(" · ")));
  if (citation.url) {
    line.appendChild(document.createTextNode(" · "));
    line.appendChild(externalLink("open the article", citation.url, "article-link"));
  }
  return line;
}

function openPassage(citation, answerText) {
  document.getElementById("passage-title").textContent = `[${citation.n}] ${citation.title}`;
  document.getElementById("passage-meta").replaceChildren(whereFrom(citation));
  const body = document.getElementById("passage-text");
  body.replaceChildren(highlighted(citation.text, quotedFor(answerText, citation.n)));
  dialog.showModal();
}

// The answer text with each [n] made a button that opens citation n.
function answerParagraphs(data) {
  const byNumber = new Map(data.citations.map((c) => [c.n, c]));
  const container = element("div", "answer");
  for (const line of data.answer.split("\n")) {
    if (!line.trim()) continue;
    const paragraph = element("p");
    let cursor = 0;
    for (const match of line.matchAll(/\[(\d+)\]/g)) {
      const citation = byNumber.get(Number(match[1]));
      if (!citation) continue;
      paragraph.appendChild(document.createTextNode(line.slice(cursor, match.index)));
      const button = element("button", "cite", `[${citation.n}]`);
      button.type = "button";
      button.setAttribute("aria-label", `Open source ${citation.n}: ${citation.title}`);
      button.addEventListener("click", () => openPassage(citation, data.answer));
      paragraph.appendChild(button);
      cursor = match.index + match[0].length;
    }
    paragraph.appendChild(document.createTextNode(line.slice(cursor)));
    container.appendChild(paragraph);
  }
  return container;
}

function shownValue(column, value) {
  if (value === null || value === undefined) return "—";
  if (typeof value === "number" && !NOT_NUMBERS.has(column)) return formatNumber(value);
  if (typeof value === "boolean") return value ? "yes" : "no";
  return String(value);
}

// Codes and file names are for the CSV; the table shows what a reader reads.
const hidden = (column) => column === "source_file" || column === "dataset" || column.endsWith("_code");

// An answer's rows may join several queries: rows of one shape (the same columns) make one table, and the
// columns a chart is drawn from come first, so the figure asked for is never the one scrolled out of view.
function shapesOf(rows, first) {
  const shapes = new Map();
  for (const row of rows) {
    const key = Object.keys(row).join("|");
    if (!shapes.has(key)) shapes.set(key, []);
    shapes.get(key).push(row);
  }
  return [...shapes.values()].map((group) => {
    const columns = Object.keys(group[0]).filter((column) => !hidden(column));
    const leading = first.filter((column) => columns.includes(column));
    return { rows: group, columns: [...leading, ...columns.filter((column) => !leading.includes(column))] };
  });
}

function rowsTable({ rows, columns }) {
  const table = element("table", "rows");
  const head = table.createTHead().insertRow();
  for (const column of columns) {
    const numeric = rows.some((row) => typeof row[column] === "number") && !NOT_NUMBERS.has(column);
    head.appendChild(element("th", numeric ? "number" : "", column.replace(/_percent$/, " %").replaceAll("_", " ")));
  }
  const body = table.createTBody();
  for (const row of rows.slice(0, SHOWN_ROWS)) {
    const tr = body.insertRow();
    for (const column of columns) {
      const value = row[column];
      const numeric = typeof value === "number" && !NOT_NUMBERS.has(column);
      tr.appendChild(element("td", numeric ? "number" : "", shownValue(column, value)));
    }
  }
  const wrapper = element("div", "table-wrapper");
  wrapper.tabIndex = 0; // a wide table scrolls in its own box, by keyboard too
  wrapper.setAttribute("role", "region");
  wrapper.setAttribute("aria-label", "Rows of the answer");
  wrapper.appendChild(table);
  const box = element("div", "rows-box");
  box.appendChild(wrapper);
  if (rows.length > SHOWN_ROWS) {
    box.appendChild(element("p", "meta", `first ${SHOWN_ROWS} of ${formatNumber(rows.length)} rows (download the CSV for all)`));
  }
  return box;
}

// How far to trust the answer, in words a reader understands; the router's number on hover.
function trustOf(data) {
  const articles = new Set(data.citations.map((c) => c.article_id)).size;
  const quoted = `quoted from ${articles} article${articles === 1 ? "" : "s"}`;
  if (data.outcome === "clarify") return "needs one more detail";
  if (data.route === "none") return data.outcome === "refused" ? "outside what I cover" : "not answered";
  if (data.route === "sql") return data.outcome === "figure" ? "from the official results" : "the results hold no figure";
  if (data.route === "hybrid") return `from the official results, and ${quoted}`;
  return data.confidence < WEAK ? `weak match, ${quoted}` : quoted;
}

function metaLine(data) {
  const meta = element("p", "meta");
  meta.appendChild(element("span", `route route-${data.route}`, ROUTE_NAMES[data.route] || data.route));
  const trust = element("span", "trust", ` ${trustOf(data)}`);
  trust.title = `confidence ${data.confidence.toFixed(2)}`;
  meta.appendChild(trust);
  meta.appendChild(document.createTextNode(` · ${formatNumber(Math.round(data.timings_ms.total ?? 0))} ms`));
  return meta;
}

// "Source: Local elections 2022 (House of Commons Library, Open Parliament Licence v3.0) · all sources".
function datasetsLine(datasets) {
  const line = element("p", "meta datasets");
  line.appendChild(document.createTextNode(datasets.length === 1 ? "Source: " : "Sources: "));
  datasets.forEach((dataset, at) => {
    if (at) line.appendChild(document.createTextNode("; "));
    line.appendChild(dataset.url ? externalLink(dataset.title, dataset.url, "dataset") : element("span", "dataset", dataset.title));
    const said = [dataset.publisher, dataset.licence].filter(Boolean).join(", ");
    if (said) line.appendChild(document.createTextNode(` (${said})`));
  });
  line.appendChild(document.createTextNode(" · "));
  const all = element("a", "all-sources", "all sources");
  all.href = "/sources.html";
  line.appendChild(all);
  return line;
}

function citationList(data) {
  const list = element("ol", "citations");
  list.setAttribute("aria-label", "Sources");
  for (const citation of data.citations) {
    const entry = element("li");
    const button = element("button", "source", `[${citation.n}] ${citation.title}`);
    button.type = "button";
    button.addEventListener("click", () => openPassage(citation, data.answer));
    entry.appendChild(button);
    entry.appendChild(document.createTextNode(" "));
    entry.appendChild(whereFrom(citation));
    list.appendChild(entry);
  }
  return list;
}

// Copy the answer with its sources, download its rows, and a link that asks the same question again.
function actions(data, question) {
  const bar = element("div", "actions");
  const copy = element("button", "quiet copy", "Copy answer");
  copy.type = "button";
  copy.addEventListener("click", async () => {
    copy.textContent = (await copyText(plainAnswer(data, question, permalink(question)))) ? "Copied" : "Copy failed";
    setTimeout(() => { copy.textContent = "Copy answer"; }, 2000);
  });
  bar.appendChild(copy);
  if (data.rows.length) {
    const csv = element("button", "quiet csv", "Download CSV");
    csv.type = "button";
    const name = (data.understood || "hustings").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
    csv.addEventListener("click", () => download(csvOf(data.rows), `${name || "hustings"}.csv`, "text/csv"));
    bar.appendChild(csv);
  }
  const link = element("a", "quiet permalink", "Link to this question");
  link.href = permalink(question);
  bar.appendChild(link);
  return bar;
}

function showAnswer(data, question) {
  return addMessage("bot", (item) => {
    item.dataset.route = data.route;
    item.dataset.outcome = data.outcome;
    item.appendChild(metaLine(data));
    item.appendChild(answerParagraphs(data));
    // What the question was read as, so that a follow-up read the wrong way shows at once.
    if (data.understood) item.appendChild(element("p", "meta understood", `read as: ${data.understood}`));
    if (data.datasets.length) item.appendChild(datasetsLine(data.datasets));
    const width = messages.clientWidth - 34;
    for (const chart of data.charts || []) item.appendChild(drawChart(chart, width));
    const first = (data.charts || []).flatMap((chart) => chart.columns);
    for (const shape of shapesOf(data.rows, first)) item.appendChild(rowsTable(shape));
    if (data.sql) {
      const details = element("details", "sql");
      details.appendChild(element("summary", "", "SQL"));
      details.appendChild(element("pre", "", data.sql));
      item.appendChild(details);
    }
    if (data.citations.length) item.appendChild(citationList(data));
    item.appendChild(actions(data, question));
  });
}

async function ask(question) {
  const headers = { "Content-Type": "application/json" };
  const key = sessionStorage.getItem("hustings-key");
  if (key) headers["X-API-Key"] = key;
  const response = await fetch("/chat", {
    method: "POST", headers, body: JSON.stringify({ message: question, session_id: sessionId }),
  });
  if (response.status === 401) {
    const given = window.prompt("This server needs an API key:");
    if (given) {
      sessionStorage.setItem("hustings-key", given);
      return ask(question);
    }
  }
  const data = await response.json().catch(() => ({ detail: response.statusText }));
  if (!response.ok) throw new Error(data.detail || `HTTP ${response.status}`);
  return data;
}

async function submit(question) {
  addMessage("user", (item) => item.appendChild(element("p", "", question)));
  input.value = "";
  send.disabled = true;
  const pending = addMessage("bot pending", (item) => item.appendChild(element("p", "", "Thinking…")));
  try {
    const data = await ask(question);
    const arrived = performance.now();
    sessionId = data.session_id;
    sessionStorage.setItem("hustings-session", sessionId);
    pending.remove();
    const shown = showAnswer(data, question);
    // How long the page took to draw the answer once it arrived (a benchmark figure the browser test reads).
    shown.dataset.renderMs = (performance.now() - arrived).toFixed(1);
  } catch (error) {
    pending.remove();
    addMessage("bot error", (item) => item.appendChild(element("p", "", `Sorry: ${error.message}`)));
  } finally {
    send.disabled = false;
    input.focus();
  }
}

// Questions the loaded store answers, offered on the empty page.
async function offerExamples() {
  const response = await fetch("/examples").catch(() => null);
  if (!response || !response.ok) return;
  const { examples } = await response.json();
  if (!examples.length) return;
  const intro = messages.querySelector(".intro");
  const list = element("ul", "examples");
  list.setAttribute("aria-label", "Example questions");
  for (const example of examples) {
    const entry = element("li");
    const button = element("button", "example", example.question);
    button.type = "button";
    button.dataset.answersFrom = example.answers_from;
    button.addEventListener("click", () => submit(example.question));
    entry.appendChild(button);
    entry.appendChild(element("span", "meta", ` ${example.answers_from}`));
    list.appendChild(entry);
  }
  intro.appendChild(element("p", "", "Try one of these:"));
  intro.appendChild(list);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const question = input.value.trim();
  if (question) submit(question);
});

input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    form.requestSubmit();
  }
});

document.getElementById("new-conversation").addEventListener("click", () => {
  sessionId = null;
  sessionStorage.removeItem("hustings-session");
  for (const item of [...messages.children].slice(1)) item.remove();
  history.replaceState(null, "", "/");
  input.focus();
});

dialog.addEventListener("click", (event) => {
  if (event.target === dialog) dialog.close(); // a click on the backdrop closes it
});

offerExamples();
// A link to a question (/?q=…) asks it, in a conversation of its own.
const linked = new URLSearchParams(location.search).get("q");
if (linked && linked.trim()) {
  sessionId = null;
  submit(linked.trim().slice(0, 2000));
}
input.focus();

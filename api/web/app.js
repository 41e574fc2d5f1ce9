// The hustings chat page: no build step, no framework. Every text from the server is set with
// textContent, never as HTML, so a question or an article that contains markup stays text.
"use strict";

const messages = document.getElementById("messages");
const form = document.getElementById("ask");
const input = document.getElementById("question");
const send = document.getElementById("send");
const dialog = document.getElementById("passage");
const ROUTE_NAMES = { sql: "results", passages: "coverage", hybrid: "results + coverage", none: "no answer" };

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

function openPassage(citation, answerText) {
  document.getElementById("passage-title").textContent = citation.title;
  const when = citation.published ? new Date(citation.published + "T00:00:00Z").toLocaleDateString("en-GB",
    { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }) : "undated";
  document.getElementById("passage-meta").textContent =
    `[${citation.n}] ${when} · article ${citation.article_id} · characters ${citation.start}–${citation.end}`;
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

function rowsTable(rows) {
  const columns = Object.keys(rows[0]).filter((c) => c !== "source_file");
  const table = element("table", "rows");
  const head = table.createTHead().insertRow();
  for (const column of columns) head.appendChild(element("th", "", column.replaceAll("_", " ")));
  const body = table.createTBody();
  for (const row of rows.slice(0, 25)) {
    const tr = body.insertRow();
    for (const column of columns) {
      const value = row[column];
      const cell = element("td", typeof value === "number" ? "number" : "", value === null ? "—" : String(value));
      tr.appendChild(cell);
    }
  }
  const wrapper = element("div", "table-wrapper");
  wrapper.appendChild(table);
  if (rows.length > 25) wrapper.appendChild(element("p", "meta", `first 25 of ${rows.length} rows`));
  return wrapper;
}

function showAnswer(data) {
  addMessage("bot", (item) => {
    item.dataset.route = data.route;
    item.dataset.outcome = data.outcome;
    const meta = element("p", "meta");
    meta.appendChild(element("span", `route route-${data.route}`, ROUTE_NAMES[data.route] || data.route));
    meta.appendChild(document.createTextNode(
      ` confidence ${data.confidence.toFixed(2)} · ${Math.round(data.timings_ms.total ?? 0)} ms`));
    item.appendChild(meta);
    item.appendChild(answerParagraphs(data));
    // What the question was read as, so that a follow-up read the wrong way shows at once.
    if (data.understood) item.appendChild(element("p", "meta understood", `read as: ${data.understood}`));
    if (data.rows.length) item.appendChild(rowsTable(data.rows));
    if (data.sql) {
      const details = element("details", "sql");
      details.appendChild(element("summary", "", "SQL"));
      details.appendChild(element("pre", "", data.sql));
      item.appendChild(details);
    }
    if (data.citations.length) {
      const list = element("ol", "citations");
      list.setAttribute("aria-label", "Sources");
      for (const citation of data.citations) {
        const entry = element("li");
        const button = element("button", "source", `[${citation.n}] ${citation.title}`);
        button.type = "button";
        button.addEventListener("click", () => openPassage(citation, data.answer));
        entry.appendChild(button);
        if (citation.published) entry.appendChild(element("span", "meta", ` ${citation.published}`));
        list.appendChild(entry);
      }
      item.appendChild(list);
    }
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

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const question = input.value.trim();
  if (!question) return;
  addMessage("user", (item) => item.appendChild(element("p", "", question)));
  input.value = "";
  send.disabled = true;
  const pending = addMessage("bot pending", (item) => item.appendChild(element("p", "", "Thinking…")));
  try {
    const data = await ask(question);
    sessionId = data.session_id;
    sessionStorage.setItem("hustings-session", sessionId);
    pending.remove();
    showAnswer(data);
  } catch (error) {
    pending.remove();
    addMessage("bot error", (item) => item.appendChild(element("p", "", `Sorry: ${error.message}`)));
  } finally {
    send.disabled = false;
    input.focus();
  }
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
  input.focus();
});

dialog.addEventListener("click", (event) => {
  if (event.target === dialog) dialog.close(); // a click on the backdrop closes it
});

input.focus();

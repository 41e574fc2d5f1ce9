// Taking an answer away: as text with its sources, its rows as CSV, and a link that asks the question again.

/** The page's address that asks `question` when opened. */
export const permalink = (question) => `${location.origin}/?q=${encodeURIComponent(question)}`;

/** The answer as plain text a reporter can paste: the reply, what it was read as, and where it comes from. */
export function plainAnswer(data, question, link) {
  const lines = [`Q: ${question}`, "", data.answer, ""];
  if (data.understood) lines.push(`Read as: ${data.understood}`);
  for (const dataset of data.datasets) {
    const said = [dataset.publisher, dataset.licence].filter(Boolean).join(", ");
    lines.push(`Source: ${dataset.title}${said ? ` (${said})` : ""}${dataset.url ? ` ${dataset.url}` : ""}`);
  }
  for (const citation of data.citations) {
    const parts = [citation.title, citation.source, citation.published, citation.url].filter(Boolean);
    lines.push(`[${citation.n}] ${parts.join(", ")}`);
  }
  if (data.sql) lines.push("", "SQL:", data.sql);
  lines.push("", `Asked at ${link}`);
  return lines.join("\n");
}

function csvCell(value) {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Every row, every column any row has (the file each came from included), as RFC 4180 CSV. */
export function csvOf(rows) {
  const columns = [];
  for (const row of rows) for (const column of Object.keys(row)) if (!columns.includes(column)) columns.push(column);
  const lines = [columns.join(","), ...rows.map((row) => columns.map((c) => csvCell(row[c])).join(","))];
  return `${lines.join("\r\n")}\r\n`;
}

/** Save `text` as a file named `name`. */
export function download(text, name, type) {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = name;
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Put `text` on the clipboard; true when it got there. */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard permission (an insecure origin, a refused prompt): the old way, through a selection.
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    const copied = document.execCommand("copy");
    area.remove();
    return copied;
  }
}

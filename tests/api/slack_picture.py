"""A picture of real Slack replies: `python -m tests.api.slack_picture OUT.png` (README, docs/slack-reply.png).

The real bot over the project's own sample (corpus/sample) answers a short thread through the chat service,
as the Slack app does; api/slack_blocks.py renders each answer as Block Kit, and this script draws those
blocks as a Slack-like page (its own HTML and CSS, nothing loaded from elsewhere) and screenshots it in
Debian's Chromium. The picture shows exactly the blocks the app would post.
"""

from __future__ import annotations

import html
import re
import sys
import tempfile
from pathlib import Path

from api.chat import ChatService
from api.slack_blocks import Block, escape, render_answer
from bot.ask import Bot
from bot.sessions import SessionStore
from corpus.results import import_results_files
from corpus.store import Store
from index.build import ingest
from index.embed import Embedder
from tests.conftest import MODEL_CACHE, SAMPLE

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu"]
THREAD = "slack:T0PAPER:C0POLITICS:1715000000.000100"
# (who asks, what, in which conversation): a mention in a channel, its follow-up in the thread, a slash command.
ASKED = [("Priya Shah", "@hustings How many seats did the Lib Dems win in Hull in 2018?", THREAD),
         ("Priya Shah", "@hustings Why?", THREAD),
         ("Tom Reid", "/hustings How did the parties do in Hartlepool in 2019?", "slack:T0PAPER:C0POLITICS:cmd")]
USERS = {"U0TOMREID": "Tom Reid"}
CODE = re.compile(r"```(.*?)```", re.S)
LINK = re.compile(r"&lt;|&gt;|<([^|>]+)(?:\|([^>]*))?>")
STYLE = """
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.46 "Liberation Sans", "DejaVu Sans", sans-serif; color: #1d1c1d; background: #fff; }
.app { display: flex; width: 1000px; }
nav { width: 190px; background: #3f0e40; color: #cfc3cf; padding: 14px 0; min-height: 100vh; }
nav h1 { color: #fff; font-size: 17px; margin: 0 16px 16px; }
nav p { margin: 2px 0; padding: 3px 16px; }
nav .on { background: #1164a3; color: #fff; }
main { flex: 1; }
header { border-bottom: 1px solid #ddd; padding: 12px 20px; font-weight: 700; font-size: 17px; }
header small { font-weight: 400; color: #616061; font-size: 13px; margin-left: 8px; }
.message { display: flex; gap: 10px; padding: 10px 20px; }
.reply { padding-left: 56px; }
.avatar { width: 36px; height: 36px; border-radius: 6px; color: #fff; font-weight: 700; display: flex;
          align-items: center; justify-content: center; flex: none; }
.name { font-weight: 900; }
.badge { background: #e8e8e8; color: #616061; font-size: 10px; font-weight: 700; padding: 1px 4px;
         border-radius: 3px; margin-left: 4px; vertical-align: 2px; }
.time { color: #616061; font-size: 12px; margin-left: 6px; }
.body { min-width: 0; flex: 1; }
.section { margin: 4px 0; white-space: pre-wrap; }
.context { color: #616061; font-size: 13px; margin: 6px 0; white-space: pre-wrap; }
a { color: #1264a3; text-decoration: none; }
pre { font: 12.5px/1.5 "DejaVu Sans Mono", monospace; background: #f8f8f8; border: 1px solid #ddd;
      border-radius: 4px; padding: 8px; margin: 4px 0 0; white-space: pre-wrap; }
code { font: 12px "DejaVu Sans Mono", monospace; color: #e01e5a; background: #f6f6f6; border: 1px solid #e8e8e8;
       border-radius: 3px; padding: 0 3px; }
.quote { border-left: 4px solid #ddd; padding-left: 10px; display: block; }
.thread { color: #1264a3; font-size: 13px; font-weight: 700; padding: 0 20px 4px 66px; }
.thread:empty { border-top: 1px solid #eee; padding: 0; margin: 8px 0 0; }
"""


def mrkdwn(text: str) -> str:
    """Slack's mrkdwn as HTML: code blocks, links, bold, italics, inline code and quotes. The text is Slack-escaped
    already (&amp; &lt; &gt;), and those entities mean the same in HTML, so only the markup is turned into tags."""
    pieces = CODE.split(text)
    out = []
    for i, piece in enumerate(pieces):
        out.append(f"<pre>{piece}</pre>" if i % 2 else _inline(piece))
    return "".join(out)


def _inline(text: str) -> str:
    def link(match: re.Match[str]) -> str:
        if match.group(0) in {"&lt;", "&gt;"}:
            return match.group(0)
        if match.group(1).startswith("@"):  # a mention of a person, drawn as Slack draws it: their name
            return f'<a href="#">@{USERS.get(match.group(1)[1:], match.group(1)[1:])}</a>'
        label = match.group(2) or match.group(1)
        return f'<a href="{html.escape(match.group(1), quote=True)}">{label}</a>'

    lines = []
    for line in text.split("\n"):
        quoted = line.startswith("&gt; ") or line.startswith("> ")
        line = line[5:] if line.startswith("&gt; ") else line[2:] if line.startswith("> ") else line
        line = LINK.sub(link, line)
        line = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"<b>\1</b>", line)
        line = re.sub(r"(?<![\w`])`([^`\n]+)`(?![\w`])", r"<code>\1</code>", line)
        lines.append(f'<span class="quote">{line}</span>' if quoted else line)
    return "\n".join(lines)


def blocks_html(blocks: list[Block]) -> str:
    """Sections and context blocks, as Slack lays them out."""
    drawn = []
    for block in blocks:
        if block["type"] == "section":
            drawn.append(f'<div class="section">{mrkdwn(block["text"]["text"])}</div>')
        elif block["type"] == "context":
            drawn.append("".join(f'<div class="context">{mrkdwn(e["text"])}</div>' for e in block["elements"]))
    return "".join(drawn)


def message(who: str, colour: str, when: str, inner: str, bot: bool = False, reply: bool = False) -> str:
    initials = "".join(part[0] for part in who.split()[:2])
    badge = '<span class="badge">APP</span>' if bot else ""
    return (f'<div class="message{" reply" * reply}"><div class="avatar" style="background:{colour}">{initials}</div>'
            f'<div class="body"><span class="name">{html.escape(who)}</span>{badge}<span class="time">{when}</span>'
            f"{inner}</div></div>")


def page(exchanges: list[tuple[str, str, list[Block]]]) -> str:
    """The channel: a mention with its thread (the answer, a follow-up and its answer), then the answer to a slash
    command, which Slack shows without the command itself."""
    (who, first, blocks), (_, follow_up, more), (_, _, command) = exchanges
    mention = lambda text: html.escape(text).replace("@hustings", '<a href="#">@hustings</a>')  # noqa: E731
    drawn = [message(who, "#2f7d5b", "10:02", f'<div class="section">{mention(first)}</div>'),
             '<div class="thread">3 replies</div>',
             message("hustings", "#1d3557", "10:02", blocks_html(blocks), bot=True, reply=True),
             message(who, "#2f7d5b", "10:05", f'<div class="section">{mention(follow_up)}</div>', reply=True),
             message("hustings", "#1d3557", "10:05", blocks_html(more), bot=True, reply=True),
             '<div class="thread"></div>',
             message("hustings", "#1d3557", "10:08", blocks_html(command), bot=True)]
    channels = "".join(f'<p class="{"on" if c == "politics-desk" else ""}"># {c}</p>'
                       for c in ("general", "politics-desk", "results-night", "data-team"))
    return (f"<!doctype html><html><head><meta charset='utf-8'><style>{STYLE}</style></head><body>"
            f"<div class='app'><nav><h1>The Northern Ledger</h1>{channels}<p>&nbsp;</p><p>Apps</p>"
            f"<p>● hustings</p></nav><main><header># politics-desk<small>results and coverage questions, "
            f"answered by @hustings</small></header>{''.join(drawn)}</main></div></body></html>")


def answers(data_dir: Path) -> list[tuple[str, str, list[Block]]]:
    """The sample ingested into `data_dir`, and the real bot's answers to the questions, as Slack blocks."""
    embedder = Embedder.load(MODEL_CACHE)
    with Store.open(data_dir) as store:
        import_results_files(store, sorted((SAMPLE / "results").glob("*.csv")))
    ingest([SAMPLE / "articles"], data_dir, embedder)
    sessions = SessionStore.open(data_dir)
    bot = Bot.open(data_dir, embedder)
    chat = ChatService(bot, sessions)
    exchanges = []
    for n, (who, question, session) in enumerate(ASKED):
        words = question.split(" ", 1)[1]
        reply = chat.reply(words, session, f"picture-{n}", channel="slack")
        asked_by = f"<@U0TOMREID> asked: {escape(words)}" if question.startswith("/") else None
        exchanges.append((who, question, render_answer(reply, asked_by=asked_by)[1]))
    bot.close()
    sessions.close()
    return exchanges


def screenshot(document: str, out: Path) -> None:
    """Draw the page in Chromium and save it as a PNG the height of its content."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1000, "height": 600}, device_scale_factor=1)
        context.route("**/*", lambda route: route.abort())  # nothing leaves the page: it has no outside assets
        tab = context.new_page()
        tab.set_content(document)
        tab.screenshot(path=str(out), full_page=True)
        browser.close()


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tests.api.slack_picture OUT.png", file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        exchanges = answers(Path(folder))
    document = page(exchanges)
    screenshot(document, out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

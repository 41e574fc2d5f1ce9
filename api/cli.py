"""The `hustings` command line: ingest, remove, status, search, ask, chat, eval, serve and slack."""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from typer.core import TyperCommand

from api.schemas import ChatResponse
from api.settings import Settings
from api.stores import describe_sessions, open_sessions
from api.terminal import datasets_table, no_articles_hint, outlets_table, print_answer, problem_lines
from bot.ask import Bot, ask_in_sessions
from bot.comparison import ComparisonError, compare_reports, load_report, render_comparison
from bot.conversation import Conversation
from bot.eval_chart import GET_CHART, chart_markdown, draw_chart
from bot.evaluate import SuiteError, load_suite, render_markdown, report_json, route_chart, run_suite
from bot.sessions import BadSessionId
from bot.sessions_redis import RedisUnavailable
from bot.suite_fit import check_fit
from bot.text import BadQuestion
from corpus.catalogue import catalogue
from corpus.results import ResultsFileError, import_results_files, results_status
from corpus.results.watch import watch_results
from corpus.store import Store, StoreError
from index.build import IngestReport, ingest, remove
from index.embed import Embedder, NeedsExportExtra
from index.generation import IndexOutOfDate
from index.hybrid import PassageIndex
from index.ray_ingest import LOCAL_CLUSTER, RayMissing, ingest_on_ray, ray_cluster
from index.status import describe_store

T = TypeVar("T")
app = typer.Typer(help="hustings: answers about elections from coverage and official results.", no_args_is_help=True)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="Store folder [env HUSTINGS_DATA_DIR, default var/]")]


def _print_version(asked: bool) -> None:
    if asked:
        out.print(f"hustings {importlib.metadata.version('hustings')}", highlight=False)
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[bool, typer.Option(
        "--version", "-V", callback=_print_version, is_eager=True, help="Print the installed version and exit"),
    ] = False,
) -> None:
    """hustings: answers about elections from coverage and official results."""


def _settings(data_dir: Path | None) -> Settings:
    settings = Settings()
    return settings.model_copy(update={"data_dir": data_dir}) if data_dir else settings


def _embedder(settings: Settings) -> Embedder:
    with err.status("loading the embedding model…"):
        try:
            return Embedder.load(settings.model_cache, backend=settings.embed_backend)
        except NeedsExportExtra as error:  # a runtime-only install with no exported model
            err.print(f"[red]error:[/] {error}", highlight=False)
            raise typer.Exit(2) from error


@contextmanager
def _progress_bar() -> Iterator[object]:
    """A progress bar on a terminal; nothing when output goes to a file or pipe."""
    if not err.is_terminal:
        yield None
        return
    columns = (TextColumn("{task.description:>10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        tasks: dict[str, object] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total or None)
            bar.update(tasks[stage], completed=done, total=total or None)  # type: ignore[arg-type]

        yield update


def _print_report(report: IngestReport) -> None:
    # Hundreds of notes of one kind are one line each, so that neither the summary nor the files that could
    # not be read are lost among them.
    for line, lost in problem_lines(report.problems):
        err.print(line, style="red" if lost else "yellow", markup=False, highlight=False)
    out.print(
        f"articles: {report.new} new, {report.changed} changed, {report.unchanged} unchanged, "
        f"{report.removed} removed, {report.failed} failed"
        f"{f', {report.duplicates} copies of others not stored twice' if report.duplicates else ''}; "
        f"passages: {report.passages_written} written, "
        f"{report.passages_embedded} embedded, {report.passages_total} in the index; {report.seconds:.1f} s",
        highlight=False,
    )


class _IngestCommand(TyperCommand):
    """`ingest`'s parser, where `--ray` takes an optional cluster address (a typer option always takes one)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # ctx: typer's own (vendored) click Context
        """`--ray` not followed by an address ("auto", "local", "host:port", "ray://host:port") is `--ray=local`."""
        given = list(args)
        for n, arg in enumerate(given):
            following = given[n + 1] if n + 1 < len(given) else ""
            if arg == "--ray" and not (following in {"auto", LOCAL_CLUSTER} or ":" in following):
                given[n] = f"--ray={LOCAL_CLUSTER}"
        return super().parse_args(ctx, given)


@app.command("ingest", cls=_IngestCommand)
def ingest_command(
    paths: Annotated[list[Path] | None, typer.Argument(help="Article files or folders (txt, md, html, jsonl)")] = None,
    results: Annotated[
        list[Path] | None, typer.Option("--results", help="A results file (format detected from its header)")
    ] = None,
    replace: Annotated[bool, typer.Option(
        "--replace", help="Import results files even where the store would then hold fewer rows")] = False,
    again: Annotated[bool, typer.Option(
        "--again", help="Import results files even if the same bytes were imported before (after an upgrade: a "
                        "newer hustings may read them better)")] = False,
    watch: Annotated[float | None, typer.Option(
        "--watch", min=0.1, metavar="SECONDS",
        help="Election night: keep importing the results files whenever they change, checking every SECONDS; "
             "a running `hustings serve` answers from each new import")] = None,
    data_dir: DataDir = None,
    ray: Annotated[str | None, typer.Option(
        "--ray", metavar="[ADDRESS]",
        help="Read, chunk and embed on a Ray cluster: at ADDRESS (auto, host:6379, ray://host:10001), or on one "
             "started on this machine when none is given (pip install 'hustings\\[ray]')")] = None,
) -> None:
    """Add new and changed articles to the store and index, and import results files (any .csv).

    `hustings serve` keeps answering while an ingest runs, and moves to what it wrote when it is done.
    """
    settings = _settings(data_dir)
    os.nice(settings.ingest_nice)  # the server beside it answers first (HUSTINGS_INGEST_NICE=0 to turn off)
    # A .csv is never an article: read it as results, so `--results a.csv b.csv` works as people type it.
    results = [*(results or []), *(p for p in paths or [] if p.suffix.lower() == ".csv")]
    paths = [p for p in paths or [] if p.suffix.lower() != ".csv"]
    if watch is not None:
        if paths or not results:
            err.print("--watch re-imports results files: give them with --results (articles are ingested once)",
                      style="red")
            raise typer.Exit(2)
        _watch(settings.data_dir, results, watch, replace)
        return
    failed = False
    if results:
        with _guard(lambda: Store.open(settings.data_dir)) as store:
            reports, errors = import_results_files(store, results, replace=replace, again=again)
        for result in reports:
            out.print(str(result), highlight=False)
        for error in errors:
            err.print(str(error), style="red", markup=False, highlight=False)
        failed = bool(errors)
    if paths or not results:
        embedder = _embedder(settings)
        with _progress_bar() as update:
            if ray is None:
                report = _guard(lambda: ingest(paths or [], settings.data_dir, embedder, progress=update))  # type: ignore[arg-type]
            else:
                report = _ingest_on_ray(paths or [], settings, embedder, ray, update)  # type: ignore[arg-type]
        _print_report(report)
        failed = failed or bool(report.failed)
        if paths and not (report.new or report.changed or report.unchanged or report.duplicates):
            err.print(no_articles_hint(paths), style="red", markup=False, highlight=False)
            failed = True
    if failed:
        raise typer.Exit(1)


def _ingest_on_ray(
    paths: list[Path], settings: Settings, embedder: Embedder, address: str,
    update: Callable[[str, int, int], None] | None,
) -> IngestReport:
    """`ingest` on the Ray cluster at `address` (or a local one); the workers load the model from the same cache."""
    try:
        with ray_cluster(None if address == LOCAL_CLUSTER else address):
            return _guard(lambda: ingest_on_ray(paths, settings.data_dir, embedder, settings.model_cache, update))
    except RayMissing as error:
        err.print(f"[red]error:[/] {escape(str(error))}", highlight=False)
        raise typer.Exit(2) from error


def _watch(data_dir: Path, results: list[Path], every: float, replace: bool) -> None:
    """Import the files whenever they change, one line per import, until interrupted."""
    out.print(f"watching {len(results)} results file(s) every {every:g} s; Ctrl-C stops", highlight=False)
    try:
        for done in watch_results(data_dir, results, every, stop=lambda: False, replace=replace):
            stamp = time.strftime("%H:%M:%S")
            if isinstance(done, ResultsFileError):
                err.print(f"{stamp} {done}", style="red", markup=False, highlight=False)
            elif done.already is None:
                out.print(f"{stamp} {done}", highlight=False)
    except KeyboardInterrupt:
        out.print("stopped", highlight=False)


@app.command("remove")
def remove_command(
    article_ids: Annotated[list[str], typer.Argument(help="Ids of articles to delete")], data_dir: DataDir = None
) -> None:
    """Delete articles and their passages from the store and index."""
    settings = _settings(data_dir)
    report = _guard(lambda: remove(article_ids, settings.data_dir, _embedder(settings)))
    _print_report(report)
    if report.failed:
        raise typer.Exit(1)


@app.command("status")
def status_command(data_dir: DataDir = None) -> None:
    """What the store holds and whether its index is up to date."""
    settings = _settings(data_dir)
    status = _guard(lambda: describe_store(settings.data_dir))
    with Store.open(settings.data_dir, read_only=True) as store:
        status.update(results_status(store))
        datasets, outlets = catalogue(store.connection)
    status["conversations"] = describe_sessions(settings)
    for name, value in status.items():
        out.print(f"{name:>26}: {value}", highlight=False)
    out.print(f"{'datasets':>26}: {len(datasets) or 'none'}", highlight=False)
    if datasets:
        out.print(datasets_table(datasets))
    out.print(f"{'article sources':>26}: {len(outlets) or 'none'}", highlight=False)
    if outlets:
        out.print(outlets_table(outlets))
    if status.get("index") != "up to date":
        raise typer.Exit(1)


@app.command("search")
def search_command(
    query: Annotated[str, typer.Argument(help="What to look for")],
    k: Annotated[int, typer.Option("-k", min=1, max=100, help="How many passages")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    data_dir: DataDir = None,
) -> None:
    """Print the passages that best match QUERY, with scores and article ids."""
    settings = _settings(data_dir)
    embedder = _embedder(settings)
    index = _guard(lambda: PassageIndex.open(settings.data_dir, embedder))
    started = time.perf_counter()
    hits = index.search(query, k)
    elapsed = (time.perf_counter() - started) * 1000
    if as_json:
        rows = [
            {"passage_id": h.stored.passage.id, "article_id": h.stored.passage.article_id, "title": h.stored.title,
             "published": h.stored.published.isoformat() if h.stored.published else None,
             "start": h.stored.passage.start, "end": h.stored.passage.end, "text": h.stored.passage.text,
             "score": h.score, "dense_score": h.dense_score, "bm25_score": h.lexical_score}
            for h in hits
        ]
        print(json.dumps({"query": query, "hits": rows, "timings_ms": {"total": elapsed}}, ensure_ascii=False))
        return
    for rank, hit in enumerate(hits, start=1):
        passage, published = hit.stored.passage, hit.stored.published
        cosine = f"{hit.dense_score:.3f}" if hit.dense_score is not None else "-"
        bm25 = f"{hit.lexical_score:.2f}" if hit.lexical_score is not None else "-"
        out.print(f"[bold]{rank}.[/] score {hit.score:.4f}  cosine {cosine}  bm25 {bm25}  "
                  f"[cyan]{passage.id}[/] (chars {passage.start}-{passage.end})", highlight=False)
        out.print(f"   [italic]{hit.stored.title}[/] · {published or 'undated'}", highlight=False)
        out.print("   " + " ".join(passage.text.split()), highlight=False, soft_wrap=True)
    err.print(f"{len(hits)} of {len(index)} passages in {elapsed:.1f} ms")


@app.command("ask")
def ask_command(
    question: Annotated[str, typer.Argument(help="The question, in plain words")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON answer contract")] = False,
    session: Annotated[str | None, typer.Option("--session", help="Continue this conversation")] = None,
    data_dir: DataDir = None,
) -> None:
    """Answer one question: the reply, the rows behind a factual one as a table, its sources and datasets, the SQL."""
    settings = _settings(data_dir)
    embedder = _embedder(settings)
    bot = _guard(lambda: Bot.open(settings.data_dir, embedder))
    sessions = _guard(lambda: open_sessions(settings))
    try:
        conversation = sessions.load(session, "cli")
        answer = bot.answer(question, conversation)
    except (BadQuestion, BadSessionId) as error:
        err.print(f"error: {error}", style="red", markup=False, highlight=False)
        raise typer.Exit(2) from error
    sessions.save(conversation, "cli")
    if as_json:
        print(ChatResponse.from_answer(answer, conversation.session_id).model_dump_json())
        return
    print_answer(out, answer)
    err.print(f"session {conversation.session_id} (continue it with --session)", style="dim", highlight=False)


@app.command("chat")
def chat_command(data_dir: DataDir = None) -> None:
    """Talk to the bot at a prompt: follow-ups use the conversation; /new starts another, /quit ends."""
    import readline  # noqa: F401  (arrow keys and history for input())

    settings = _settings(data_dir)
    bot = _guard(lambda: Bot.open(settings.data_dir, _embedder(settings)))
    history = settings.data_dir / ".chat_history"
    with contextlib.suppress(OSError):
        readline.read_history_file(history)
    conversation = Conversation(uuid.uuid4().hex)
    out.print("Ask about election results or coverage. [dim]/new starts a new conversation, /quit ends.[/]")
    while True:
        try:
            question = input("\n> ").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if question in {"/quit", "/exit", "quit", "exit"}:
            break
        if question == "/new":
            conversation = Conversation(uuid.uuid4().hex)
            out.print("[dim]new conversation[/]")
            continue
        if not question:
            continue
        try:
            print_answer(out, bot.answer(question, conversation))
        except BadQuestion as error:
            err.print(f"error: {error}", style="red", markup=False, highlight=False)
    with contextlib.suppress(OSError):
        readline.write_history_file(history)
    bot.close()


@app.command("eval")
def eval_command(
    suite: Annotated[Path, typer.Argument(help="A suite YAML file")],
    report_path: Annotated[Path | None, typer.Option(
        "--report", help="Write a Markdown report here, and its PNG chart beside it (X.md, X.png)")] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="Write the per-case results as JSON here")] = None,
    compare_path: Annotated[Path | None, typer.Option(
        "--compare", help="A previous --json report: show which cases got better or worse")] = None,
    min_accuracy: Annotated[float, typer.Option(help="Exit 1 below this accuracy (0-1)")] = 0.0,
    force: Annotated[bool, typer.Option(
        "--force", help="Run even where the store lacks the results, passages, places or articles the suite asks "
                        "about")] = False,
    data_dir: DataDir = None,
) -> None:
    """Run an evaluation suite and report accuracy per route, route confusion, failures and latency.

    With --report, a PNG chart (accuracy per route, route confusion) is written beside the Markdown.
    """
    settings = _settings(data_dir)
    try:
        cases = load_suite(suite)
        previous = load_report(compare_path) if compare_path else None
    except (SuiteError, ComparisonError) as error:
        err.print(f"error: {error}", style="red", markup=False, highlight=False)
        raise typer.Exit(2) from error
    embedder = _embedder(settings)
    bot = _guard(lambda: Bot.open(settings.data_dir, embedder))
    fit = check_fit(cases, bot.store.connection, bot.gazetteer)
    for note in fit.notes:
        err.print(f"note: {note}", style="yellow", markup=False, highlight=False)
    if not fit.fits and not force:
        err.print(f"error: the store in {settings.data_dir} cannot hold the answers of {suite}:", style="red",
                  markup=False, highlight=False)
        for problem in fit.problems:
            err.print(f"  {problem}", markup=False, highlight=False)
        err.print("The suites in tests/eval/ are written for the store `make eval` builds in var/eval from ../shared "
                  "(the public results files, the seed articles, the BBC politics articles): run `make eval`, or "
                  "give --data-dir a store holding what the suite asks about (`hustings ingest --results FILE... "
                  "ARTICLES --data-dir DIR`); --force runs it anyway.", markup=False, highlight=False)
        raise typer.Exit(2)
    report = run_suite(cases, ask_in_sessions(bot), name=suite.name)
    current = report_json(report)
    chart, drawn = None, None
    if report_path:
        png = report_path.with_suffix(".png")
        drawn = draw_chart(report, png)
        chart = chart_markdown(png, drawn)
    markdown = render_markdown(report, chart)
    comparison = compare_reports(previous, current) if previous is not None else None
    if comparison:
        markdown += "\n" + render_comparison(comparison)
    if report_path:
        report_path.write_text(markdown, encoding="utf-8")
        err.print(f"wrote {report_path} and its chart {png.name}" if drawn else
                  f"wrote {report_path}; for its chart, {GET_CHART}", style="dim", markup=False, highlight=False)
    if json_path:
        json_path.write_text(json.dumps(current, indent=2, ensure_ascii=False), encoding="utf-8")
    p50, p95 = report.latency()
    out.print(f"{suite.name}: accuracy {report.accuracy:.1%} over {len(report.outcomes)} cases; "
              f"p50 {p50:.1f} ms, p95 {p95:.1f} ms", highlight=False)
    for half, (ok, total) in report.accuracy_by_phrasing().items():
        out.print(f"  {half} phrasings: {ok / total:.1%} ({ok} of {total})", highlight=False)
    for line in route_chart(report.accuracy_by_route())[1:-1]:
        out.print(f"  {line}", highlight=False, markup=False)
    for outcome in report.outcomes:
        if not outcome.passed:
            out.print(f"FAIL {outcome.case.id}: {outcome.case.turns[-1]} -> {'; '.join(outcome.reasons)}",
                      highlight=False, markup=False)
    if comparison:
        was, now = comparison.accuracy
        out.print(f"compared with {compare_path}: accuracy {was:.1%} -> {now:.1%}; {len(comparison.better)} better, "
                  f"{len(comparison.worse)} worse, {len(comparison.added)} new, {len(comparison.removed)} gone",
                  highlight=False, markup=False)
        for label, changes in (("WORSE", comparison.worse), ("BETTER", comparison.better)):
            for change in changes:
                out.print(f"{label} {change.id}: {change.question}", highlight=False, markup=False)
    if report.accuracy < min_accuracy:
        raise typer.Exit(1)


@app.command("serve")
def serve_command(
    host: Annotated[str | None, typer.Option(help="Address to listen on [env HUSTINGS_HOST]")] = None,
    port: Annotated[int | None, typer.Option(help="Port [env HUSTINGS_PORT]")] = None,
    data_dir: DataDir = None,
) -> None:
    """Serve the web chat page, POST /chat, the Slack endpoints and /docs."""
    import uvicorn

    from api.app import server_config

    settings = _settings(data_dir)
    # One line per answer (logger hustings.answer) beside uvicorn's access log.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    uvicorn.Server(server_config(settings, host, port)).run()


@app.command("slack")
def slack_command(data_dir: DataDir = None) -> None:
    """Run only the Slack bot, over Socket Mode: no port is opened (README, Slack)."""
    from api.app import create_app
    from api.slack_socket import run_alone

    settings = _settings(data_dir)
    if not (settings.slack_app_token and settings.slack_bot_token):
        err.print("error: `hustings slack` needs HUSTINGS_SLACK_APP_TOKEN (xapp-, connections:write) and "
                  "HUSTINGS_SLACK_BOT_TOKEN (xoxb-)", style="red", markup=False, highlight=False)
        raise typer.Exit(2)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    stopped = run_alone(create_app(settings))
    if stopped:
        err.print(f"error: {stopped}", style="red", markup=False, highlight=False)
        raise typer.Exit(2)


def _guard(action: Callable[[], T]) -> T:
    """Run a command's work; a known failure prints its message and exits 2 instead of a traceback."""
    try:
        return action()
    except (StoreError, IndexOutOfDate, RedisUnavailable) as error:
        # Escaped: a message may hold brackets (`pip install 'hustings[redis]'`) that are not markup.
        err.print(f"[red]error:[/] {escape(str(error))}", highlight=False)
        raise typer.Exit(2) from error


def main() -> None:
    """Entry point of the `hustings` console script."""
    app(prog_name="hustings")


if __name__ == "__main__":
    main()

"""SQL-route latency in process (understanding + query + composing) over the factual suite, and the reading
alone (bot.understand: the one pass over the question's text).

Run with `make bench-sql`. Builds a store from the public results files in ../shared, then asks every
question of tests/eval/factual.yaml several times and prints p50 and p95 of both.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bot.ask import Bot
from bot.evaluate import load_suite
from bot.understand import understand
from corpus.results import import_results
from corpus.store import Store
from tests.bench.record import p50_p95, peak_memory_mib, write_result
from tests.helpers import PUBLIC_FILES

SUITE = Path(__file__).resolve().parents[1] / "eval" / "factual.yaml"


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    cases = load_suite(SUITE)
    questions = [case.turns[-1] for case in cases]
    # The forms with goals of their own: a ward or a candidate (p95 <= 10 ms), a ranking over every seat or
    # ward (p95 <= 15 ms); each case's kind is its id without the number ("fresh-" aside).
    forms = {"ward and candidate": ("ward-winner", "ward-votes", "ward-turnout", "ward-electorate", "candidate",
                                    "council-wards", "council-wards-won", "council-turnout", "council-turnout-missing"),
             "ranking over every seat or ward": ("turnout-ranking", "seats-changed", "scoped-majority",
                                                 "scoped-turnout", "scoped-control", "regional-seats")}
    kind_of = [case.id.removeprefix("fresh-").rsplit("-", 1)[0] for case in cases]
    by_form: dict[str, list[float]] = {form: [] for form in forms}
    with tempfile.TemporaryDirectory() as scratch:
        with Store.open(Path(scratch)) as store:
            for name in PUBLIC_FILES:
                import_results(store, args.shared / "data" / name)
        bot = Bot.open(Path(scratch))
        for question in questions:  # warm caches and prepared plans once
            bot.answer(question)
        times = []
        readings = []
        routes: dict[str, int] = {}
        for _ in range(args.rounds):
            for kind, question in zip(kind_of, questions, strict=True):
                started = time.perf_counter()
                understand(question, bot.gazetteer)
                readings.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                answer = bot.answer(question)
                for form, kinds in forms.items():
                    if kind in kinds:
                        by_form[form].append((time.perf_counter() - started) * 1000)
                times.append((time.perf_counter() - started) * 1000)
                routes[answer.route] = routes.get(answer.route, 0) + 1
        bot.close()
    times.sort()
    readings.sort()
    print(f"questions: {len(questions)} x {args.rounds} rounds; routes {routes}")
    p95 = times[int(0.95 * len(times)) - 1]
    print(f"sql route in process: p50 {statistics.median(times):.2f} ms, p95 {p95:.2f} ms, max {times[-1]:.2f} ms")
    read = p50_p95(readings)
    print(f"reading alone: p50 {read['p50']:.2f} ms, p95 {read['p95']:.2f} ms")
    for form, spent in by_form.items():
        figures = p50_p95(spent)
        count = len(spent) // args.rounds
        print(f"{form}: {count} questions, p50 {figures['p50']:.2f} ms, p95 {figures['p95']:.2f} ms")
    write_result("sql", "SQL route in process over the factual suite", [{
        "questions": len(questions), "rounds": args.rounds, "routes": routes, "max ms": round(times[-1], 2),
        "peak memory MiB": round(peak_memory_mib()),
    }], {"sql (in process)": p50_p95(times), "reading (understand)": read,
         **{form: p50_p95(spent) for form, spent in by_form.items()}})


if __name__ == "__main__":
    main()

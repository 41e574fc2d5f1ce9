"""Whether a store can hold a suite's answers, checked before the suite is run: a suite of results questions
on a store with no results, or of another corpus's places and articles, would report a meaningless accuracy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from bot.evaluate import Case
from bot.gazetteer import Gazetteer
from bot.understand import understand

RESULTS_ROUTES = {"sql", "hybrid"}  # a case expecting only these needs results to pass
COVERAGE_ROUTES = {"passages", "hybrid"}  # ... only these, passages
MOST = 0.5  # a store lacking what more than this share of the checked cases name is another corpus's
EXAMPLES = 3


@dataclass(frozen=True, slots=True)
class SuiteFit:
    """What a suite needs that a store lacks: each line says what, with examples; none when it can be run."""

    problems: tuple[str, ...]
    notes: tuple[str, ...] = ()  # a few cases the store cannot answer, not enough to refuse the suite

    @property
    def fits(self) -> bool:
        """The store holds enough of what the suite asks about for its accuracy to mean something."""
        return not self.problems


def check_fit(cases: Sequence[Case], connection: duckdb.DuckDBPyConnection, gazetteer: Gazetteer) -> SuiteFit:
    """Whether the store behind `connection` (and its `gazetteer`) holds what `cases` ask about.

    Cheap, and errs towards running: every results case's first question is read for a place the store does
    not know (the reader's own `unknown_place`, found only where a place name would go) or only years it holds
    no election of, and every cited article is looked up; a suite is refused only when most of these miss.
    """
    results = [c for c in cases if set(c.routes) <= RESULTS_ROUTES]
    coverage = [c for c in cases if set(c.routes) <= COVERAGE_ROUTES]
    elections = len(gazetteer.elections)
    row = connection.execute("SELECT count(*) FROM passages").fetchone()
    passages = int(row[0]) if row else 0
    problems = []
    if results and not elections:
        problems.append(f"{len(results)} of its {len(cases)} cases are answered from the results, and the store "
                        "holds no results")
    if coverage and not passages:
        problems.append(f"{len(coverage)} of its {len(cases)} cases are answered from the coverage, and the store "
                        "holds no passages")
    years = {e.day.year for e in gazetteer.elections}
    unheld: list[tuple[str, str]] = []  # (case id, what it names that the store lacks)
    if elections:
        for case in results:
            question = understand(case.turns[0], gazetteer)
            if question.unknown_place:
                unheld.append((case.id, repr(question.unknown_place)))
            elif question.years and not years & set(question.years):
                unheld.append((case.id, "/".join(str(y) for y in question.years)))
    cited = [c for c in cases if c.cite]
    held = {i for (i,) in connection.execute("SELECT id FROM articles").fetchall()} if cited else set()
    uncited = [(c.id, next(a for a in c.cite if a not in held)) for c in cited if not set(c.cite) <= held]
    checked = len(results) * bool(elections) + len(cited)
    said = [f"{len(unheld)} of its {len(results)} results cases name places or years the store does not hold "
            f"({_examples(unheld)})"] if unheld else []
    said += [f"{len(uncited)} of its {len(cited)} cases cite articles the store does not hold "
             f"({_examples(uncited)})"] if uncited else []
    if len(unheld) + len(uncited) > MOST * checked:
        return SuiteFit((*problems, *said))
    return SuiteFit(tuple(problems), tuple(said))


def _examples(missing: list[tuple[str, str]]) -> str:
    """ "e.g. 'barnet', 'slough', 'south lakeland'": each name once, in the order met."""
    named = list(dict.fromkeys(what for _, what in missing))
    return "e.g. " + ", ".join(named[:EXAMPLES]) + (", …" if len(named) > EXAMPLES else "")

"""Checking before a suite runs that the store can hold its answers: results, passages, places and articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.ask import Bot
from bot.evaluate import Case, load_suite
from bot.gazetteer import Gazetteer
from bot.suite_fit import SuiteFit, check_fit
from corpus.store import Store
from index.build import ingest
from tests.helpers import HashEmbedder, results_store

SAMPLE = Path(__file__).resolve().parents[2] / "corpus" / "sample"
SUITES = Path(__file__).resolve().parents[1] / "eval"


def results(n: int, ask: str) -> Case:
    return Case(id=f"r{n}", turns=(ask,), routes=("sql",))


def quoted(n: int, cite: str = "") -> Case:
    return Case(id=f"q{n}", turns=("What did the article say?",), routes=("passages", "hybrid"),
                cite=(cite,) if cite else ())


@pytest.fixture(scope="module")
def sample_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's own sample results and articles (a hashing embedder: only the passages' count matters)."""
    data_dir = results_store(tmp_path_factory.mktemp("fit"), sorted((SAMPLE / "results").glob("*.csv")))
    ingest([SAMPLE / "articles"], data_dir, HashEmbedder())
    return data_dir


def fit_on(data_dir: Path, cases: list[Case]) -> SuiteFit:
    with Store.open(data_dir, read_only=True) as store:
        return check_fit(cases, store.connection, Gazetteer.load(store))


def test_a_store_holding_what_the_cases_ask_about_fits(sample_results: Path) -> None:
    cases = [results(1, "How many seats did Labour win in Hull in 2018?"), results(2, "Who won Hartlepool in 2019?"),
             quoted(3, "2018-trafford-tories-lose-majority"), Case(id="n", turns=("Weather?",), routes=("none",))]
    fit = fit_on(sample_results, cases)
    assert fit.fits and fit.problems == () and fit.notes == ()


def test_results_cases_on_a_store_without_results_and_quotes_on_one_without_passages_are_refused(
    tmp_path: Path
) -> None:
    Store.open(tmp_path / "empty").close()
    fit = fit_on(tmp_path / "empty", [results(1, "How many seats did Labour win in Hull in 2018?"), quoted(2)])
    assert not fit.fits
    assert fit.problems == ("1 of its 2 cases are answered from the results, and the store holds no results",
                            "1 of its 2 cases are answered from the coverage, and the store holds no passages")


def test_most_cases_naming_places_or_articles_the_store_lacks_is_another_corpus(sample_results: Path) -> None:
    cases = [results(1, "How many seats did the Tories win in Slough in 2022?"),
             results(2, "What was the Tories' seat tally in Pendle in 2022?"),
             results(3, "Who had control in Craven after 2018?"),
             results(4, "How many seats did Labour win in Hull in 2018?"),
             results(5, "Who won Hull in 2014?"),  # no election of that year held
             quoted(6, "000_e0cb5800c4680bae")]
    fit = fit_on(sample_results, cases)
    assert not fit.fits
    assert fit.problems == (
        "4 of its 5 results cases name places or years the store does not hold (e.g. 'slough', 'pendle', 'craven', …)",
        "1 of its 1 cases cite articles the store does not hold (e.g. 000_e0cb5800c4680bae)",
    )


def test_a_few_cases_the_store_lacks_are_a_note_not_a_refusal(sample_results: Path) -> None:
    cases = [results(n, "How many seats did Labour win in Hull in 2018?") for n in range(4)]
    fit = fit_on(sample_results, [*cases, results(9, "Who had control in Craven after 2018?")])
    assert fit.fits and fit.notes == (
        "1 of its 5 results cases name places or years the store does not hold (e.g. 'craven')",)


@pytest.mark.model
@pytest.mark.shared
@pytest.mark.parametrize("suite", ["factual", "router", "coverage", "refusals", "conversations"])
def test_every_suite_fits_the_store_make_eval_builds(coverage_bot: Bot, suite: str) -> None:
    # coverage_bot holds what `make eval` ingests: the public results files, the seeds, the BBC politics articles.
    fit = check_fit(load_suite(SUITES / f"{suite}.yaml"), coverage_bot.store.connection, coverage_bot.gazetteer)
    assert fit.fits, fit.problems
    # only the factual suite's honesty cases ask of years no file holds (2014, 2031...), as they are meant to
    assert all(int(note.split()[0]) <= 10 for note in fit.notes) and (suite == "factual" or fit.notes == ())

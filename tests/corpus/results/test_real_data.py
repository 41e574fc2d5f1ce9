"""The eight public results files from ../shared/data import together, fast, and answer the spot checks."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.results import import_results_files, results_status
from corpus.store import Store
from tests.bench.results import results_paths
from tests.corpus.results.files import rows, scalar, seats_won

HULL = "E06000010"
BARNET = "E09000003"

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def real_store(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding every public file (imported once for this module); returns its data directory."""
    data_dir = tmp_path_factory.mktemp("real-results")
    started = time.perf_counter()
    with Store.open(data_dir) as store:
        reports, errors = import_results_files(store, results_paths(shared))
    assert errors == []
    assert len(reports) == len(results_paths(shared))
    assert time.perf_counter() - started < 20
    return data_dir


@pytest.fixture
def store(real_store: Path) -> Iterator[Store]:
    """The real-data store, opened read-only as the answering side opens it."""
    with Store.open(real_store, read_only=True) as opened:
        yield opened


def test_hull_2018_seats_won_are_lab_31_ld_24_con_2(store: Store) -> None:
    assert seats_won(store, "local-2018-05-03", HULL) == {"LAB": 31, "LD": 24, "CON": 2}


def test_barnet_2022_seats_won_are_lab_41_con_22(store: Store) -> None:
    assert seats_won(store, "local-2022-05-05", BARNET) == {"LAB": 41, "CON": 22}


def test_hull_is_run_by_the_lib_dems_after_2022(store: Store) -> None:
    control = scalar(
        store, "SELECT control FROM council_control WHERE election_id = 'local-2022-05-05' AND ons_code = ?", HULL
    )

    assert control == "LD"
    assert scalar(store, "SELECT name FROM parties WHERE code = ?", control) == "Liberal Democrats"


def test_the_conservatives_won_365_seats_in_2019_and_labour_262_in_2017(store: Store) -> None:
    seats = dict(rows(store, "SELECT election_id || ' ' || party_code, seats FROM national_results"))

    assert seats["general-2019-12-12 CON"] == 365
    assert seats["general-2017-06-08 LAB"] == 262


def test_hull_is_one_council_under_every_spelling(store: Store) -> None:
    for spelling in ("Hull", "Kingston upon Hull, City of", "Kingston upon Hull"):
        found = rows(store, "SELECT DISTINCT ons_code FROM authority_aliases WHERE alias = norm_name(?)", spelling)
        assert found == [(HULL,)], spelling
    assert rows(
        store, "SELECT DISTINCT ons_code FROM council_composition_by_year WHERE authority_name = 'Kingston upon Hull'"
    ) == [(HULL,)]


def test_every_2017_candidate_finds_its_constituency(store: Store) -> None:
    assert scalar(store, "SELECT count(*) FROM constituency_candidacies WHERE ons_code IS NULL") == 0
    assert scalar(store, "SELECT count(DISTINCT ons_code) FROM constituency_candidacies") == 650


def test_the_sources_disagreements_are_recorded(store: Store) -> None:
    kinds = dict(rows(store, "SELECT kind, count(*) FROM data_issues GROUP BY kind"))

    assert kinds["seats_up_label"] >= 1  # Hull 2022 is labelled all-out but elected a third
    assert kinds["seats_held_vs_yearly"] >= 1  # Barnet 2022: Con 22 after the election, 21 in the snapshot
    assert (
        scalar(
            store,
            "SELECT count(*) FROM data_issues WHERE kind = 'seats_held_vs_yearly' AND area_code = ? "
            "AND election_id = 'local-2022-05-05' AND party_code = 'CON'",
            BARNET,
        )
        == 1
    )
    assert results_status(store)["data_issues"].startswith(str(sum(kinds.values())))


def test_status_names_every_council_no_file_gives_a_code_for(store: Store) -> None:
    listed = results_status(store)["unreconciled"]
    count = scalar(store, "SELECT count(DISTINCT area_name) FROM data_issues WHERE kind = 'unresolved_authority'")
    assert listed.startswith(f"{count} names") and "Brighton and Hove" in listed

"""The project's sample results import on their own and answer like the public files they are computed from."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.results import import_results_files
from corpus.results.provenance import sidecar_of
from corpus.store import Store
from tests.bench.results import import_all, write_sample
from tests.corpus.results.files import rows, scalar, seats_won

SAMPLE = Path(__file__).resolve().parents[3] / "corpus" / "sample" / "results"
HULL = "E06000010"


def test_sample_results_import_cleanly_and_answer_the_spot_checks(store: Store) -> None:
    reports, errors = import_results_files(store, sorted(SAMPLE.glob("*.csv")))

    assert errors == []
    assert len(reports) == len(list(SAMPLE.glob("*.csv")))
    # each file is one dataset, credited from the sidecar beside it
    credited = dict(store.connection.execute("SELECT file, publisher || ', ' || title FROM sources").fetchall())
    assert credited["councils-leap.csv"] == "Andrew Teale, LEAP: Local Elections Archive Project"
    assert all(credited[path.name] for path in SAMPLE.glob("*.csv"))
    assert seats_won(store, "local-2018-05-03", HULL) == {"LAB": 31, "LD": 24, "CON": 2}
    assert seats_won(store, "local-2022-05-05", "E09000003") == {"LAB": 41, "CON": 22}
    assert (
        scalar(
            store, "SELECT control FROM council_control WHERE election_id = 'local-2022-05-05' AND ons_code = ?", HULL
        )
        == "LD"
    )
    assert (
        scalar(
            store, "SELECT seats FROM national_results WHERE election_id = 'general-2019-12-12' AND party_code = 'CON'"
        )
        == 365
    )
    assert (
        scalar(
            store, "SELECT seats FROM national_results WHERE election_id = 'general-2017-06-08' AND party_code = 'LAB'"
        )
        == 262
    )
    assert rows(store, "SELECT DISTINCT ons_code FROM authority_aliases WHERE alias = 'hull'") == [(HULL,)]
    assert scalar(store, "SELECT count(*) FROM data_issues") == 0


@pytest.mark.shared
def test_sample_results_are_what_the_generator_computes_from_the_public_files(
    shared: Path, store: Store, tmp_path: Path
) -> None:
    import_all(store, shared)

    written = write_sample(store, tmp_path / "sample")

    assert sorted(p.name for p in written) == sorted(p.name for p in SAMPLE.glob("*.csv"))
    for path in [*written, *(sidecar_of(p) for p in written)]:
        assert path.read_text(encoding="utf-8") == (SAMPLE / path.name).read_text(encoding="utf-8"), (
            f"{SAMPLE / path.name} is out of date: run `python -m tests.bench.results --write-sample {SAMPLE}`"
        )

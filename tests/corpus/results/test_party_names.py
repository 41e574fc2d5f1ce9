"""The Commons Library's party names: a party the candidates file prints only by its abbreviation is named, and
both spellings find it, whichever file is imported first."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from corpus.results import import_results
from corpus.results.errors import ResultsFileError
from corpus.store import Store
from tests.corpus.results.files import CANDIDATES_HEADER, PORT, candidate_line, write

NAMES_HEADER = "party_abbreviation,party_name,number_of_candidates"


def names_file(folder: Path) -> Path:
    return write(folder / "party_names_2022.csv", [
        "ABTV,Abolish the TV Licence,5", "ADF,Alliance for Democracy & Freedom,1",
        "ADF,Alliance for Democracy and Freedom,4", "LAB,Labour Party,4000"], NAMES_HEADER)


def candidates_file(folder: Path) -> Path:
    return write(folder / "candidates_results_2022.csv", [
        candidate_line(PORT, "Portown", ("E05009001", "Harbour"), "Smith A.", "ABTV", 120, 0),
        candidate_line(PORT, "Portown", ("E05009001", "Harbour"), "Jones B.", "LAB", 900, 1)], CANDIDATES_HEADER)


def alias(store: Store, spelling: str) -> str | None:
    row = store.connection.execute("SELECT code FROM party_aliases WHERE alias = norm_name($s)",
                                   {"s": spelling}).fetchone()
    return row[0] if row else None


@pytest.mark.parametrize("names_first", [True, False])
def test_an_abbreviation_is_named_and_both_spellings_find_the_party(
        store: Store, tmp_path: Path, names_first: bool) -> None:
    files = [names_file(tmp_path), candidates_file(tmp_path)]
    for path in files if names_first else files[::-1]:
        import_results(store, path)
    assert alias(store, "Abolish the TV Licence") == alias(store, "ABTV") == "ABTV"
    assert store.connection.execute("SELECT name FROM parties WHERE code = 'ABTV'").fetchone() == (
        "Abolish the TV Licence",)
    assert alias(store, "Alliance for Democracy & Freedom") == alias(store, "ADF") == "ADF"
    assert alias(store, "Labour Party") == "LAB"  # a name hustings knows stays its party's
    assert store.connection.execute("SELECT name FROM parties WHERE code = 'LAB'").fetchone() == ("Labour",)
    assert store.connection.execute("SELECT party_code FROM candidacies WHERE candidate = 'Smith A.'"
                                    ).fetchone() == ("ABTV",)


def test_a_row_without_a_name_is_refused_at_its_line(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "party_names_2022.csv", ["ABTV,Abolish the TV Licence,5", "XYZ,,2"], NAMES_HEADER)
    with pytest.raises(ResultsFileError) as raised:
        import_results(store, path)
    assert raised.value.line == 3 and raised.value.field == "party_name"


@pytest.mark.shared
def test_every_abbreviation_of_the_real_list_finds_its_party(store: Store, shared: Path) -> None:
    path = shared / "data" / "hoc-local-elections-2022" / "party_names_2022.csv"
    report = import_results(store, path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        listed = list(csv.DictReader(handle))
    assert report.rows["party_names"] == len(listed)
    assert all(alias(store, row["party_abbreviation"]) is not None for row in listed)
    assert all(alias(store, row["party_name"]) is not None for row in listed)

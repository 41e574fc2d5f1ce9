"""Results already stored are replaced only when asked: a file is known by its bytes and its name."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corpus.results import ResultsFileError, import_results
from corpus.store import Store

pytestmark = pytest.mark.shared
LEAP = Path("leap-2018") / "leap-2018-05-03.csv"


def candidacies(store: Store) -> int:
    return int(store.connection.execute("SELECT count(*) FROM candidacies").fetchone()[0])  # type: ignore[index]


@pytest.fixture
def subset(shared: Path, tmp_path: Path) -> Path:
    """The first 100 candidates of LEAP's file (it has no header), under the same name in another folder."""
    other = tmp_path / "other" / LEAP.name
    other.parent.mkdir()
    with (shared / "data" / LEAP).open(encoding="utf-8") as full:
        other.write_text("".join(line for _, line in zip(range(100), full, strict=False)), encoding="utf-8")
    return other


def test_a_file_that_would_leave_fewer_rows_is_refused_and_the_store_is_unchanged(
    shared: Path, subset: Path, tmp_path: Path
) -> None:
    with Store.open(tmp_path / "data") as store:
        import_results(store, shared / "data" / LEAP)
        before = candidacies(store)
        with pytest.raises(ResultsFileError) as refused:
            import_results(store, subset)
        assert candidacies(store) == before
        said = str(refused.value)
        assert f"candidacies {before:,} -> 100" in said and "--replace" in said
        assert f"it replaces {LEAP.name}, imported" in said and str((shared / "data" / LEAP).resolve()) in said
        hull = store.connection.execute(
            "SELECT sum(seats) FROM seats_won WHERE ons_code = 'E06000010' AND party_code = 'LAB'").fetchone()
        assert hull == (31,)


def test_with_replace_it_is_imported_and_says_what_went(shared: Path, subset: Path, tmp_path: Path) -> None:
    with Store.open(tmp_path / "data") as store:
        import_results(store, shared / "data" / LEAP)
        before = candidacies(store)
        report = import_results(store, subset, replace=True)
        assert candidacies(store) == 100 and report.removed["candidacies"] == (before, 100)
        assert "as asked (--replace)" in str(report)


def test_the_same_bytes_are_not_imported_twice_whatever_their_name(shared: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "leap-copy.csv"
    shutil.copy(shared / "data" / LEAP, renamed)
    with Store.open(tmp_path / "data") as store:
        import_results(store, shared / "data" / LEAP)
        before = candidacies(store)
        again, copy = import_results(store, shared / "data" / LEAP), import_results(store, renamed)
        assert again.already == LEAP.name and copy.already == LEAP.name and candidacies(store) == before
        assert "unchanged" in str(copy)
        files = store.connection.execute("SELECT file FROM sources").fetchall()
        assert files == [(LEAP.name,)]

"""Names a file prints as UTF-8 read as Windows-1252 ("Kingâ€™s Hedges") are mended when it is staged."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.results import import_results
from corpus.store import Store
from tests.corpus.results.files import CANDIDATES_HEADER, PORT, candidate_line, write


def test_a_mangled_ward_name_is_mended_and_a_sound_one_left_alone(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "candidates_results_2022.csv", [
        candidate_line(PORT, "Portown", ("E05009001", "Kingâ€™s Hedges"), "Smith A.", "LAB", 900, 1),
        candidate_line(PORT, "Portown", ("E05009002", "Ynys Môn"), "Jones B.", "PC", 800, 1),
        candidate_line(PORT, "Portown", ("E05009003", "CafÃ© Quarter"), "Evans C.", "LD", 700, 1)],
        CANDIDATES_HEADER)
    import_results(store, path)
    wards = [row[0] for row in store.connection.execute(
        "SELECT DISTINCT ward_name FROM candidacies ORDER BY 1").fetchall()]
    assert wards == ["Café Quarter", "King's Hedges", "Ynys Môn"]


@pytest.mark.shared
def test_no_mangled_name_is_left_in_the_2022_sheets(store: Store, shared: Path) -> None:
    folder = shared / "data" / "hoc-local-elections-2022"
    raw = (folder / "candidates_results_2022.csv").read_text(encoding="utf-8")
    assert "â€™" in raw  # the file does print them
    for name in ("candidates_results_2022.csv", "wards_results_2022.csv"):
        import_results(store, folder / name)
    left = store.connection.execute(
        "SELECT count(*) FROM (SELECT ward_name FROM candidacies UNION ALL SELECT ward_name FROM ward_results) "
        "WHERE ward_name LIKE '%â€%' OR ward_name LIKE '%Ã%'").fetchone()
    assert left == (0,)
    assert store.connection.execute("SELECT count(*) FROM candidacies WHERE ward_name = 'King''s Hedges'"
                                    ).fetchone()[0] > 0  # type: ignore[index]


def test_a_file_imported_by_an_older_hustings_is_read_again_when_asked(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "candidates_results_2022.csv", [
        candidate_line(PORT, "Portown", ("E05009001", "Kingâ€™s Hedges"), "Smith A.", "LAB", 900, 1)],
        CANDIDATES_HEADER)
    import_results(store, path)
    store.connection.execute("UPDATE candidacies SET ward_name = 'Kingâ€™s Hedges'")  # as stored before mending
    assert import_results(store, path).already == path.name  # the same bytes: nothing to do, unless asked
    report = import_results(store, path, again=True)
    assert report.already is None and report.rows["candidacies"] == 1
    assert store.connection.execute("SELECT DISTINCT ward_name FROM candidacies").fetchall() == [("King's Hedges",)]

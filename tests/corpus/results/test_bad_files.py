"""Malformed files are refused whole, by file, line and field; good files still load; re-imports replace."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.results import ResultsFileError, import_results, import_results_files, results_status
from corpus.store import Store, StoreError
from tests.corpus.results.files import (
    CANDIDATES_HEADER,
    COMPOSITION_HEADER,
    PORT,
    candidate_line,
    composition_line,
    leap_line,
    rows,
    scalar,
    seats_won,
    write,
)


def leap_file(tmp_path: Path, *, votes: str = "700", name: str = "leap-2018-05-03.csv") -> Path:
    """A three-line LEAP file whose second line's votes are `votes`."""
    return write(
        tmp_path / name,
        [
            leap_line("Port Example", PORT, "Dockside", "E05000901", "Ann Able", "C", 900, 1),
            leap_line("Port Example", PORT, "Dockside", "E05000901", "Ben Bold", "Lab", votes, 0),
            leap_line("Port Example", PORT, "Hillside", "E05000902", "Cat Cole", "Lab", 650, 1),
        ],
    )


def composition_file(tmp_path: Path) -> Path:
    """A good one-council composition file."""
    return write(
        tmp_path / "composition.csv",
        [composition_line(PORT, "Example", (2, 31, 24, 0, 0), "LAB", (0, 27, 29, 0, 1), "LD")],
        header=COMPOSITION_HEADER,
    )


def test_a_bad_number_is_refused_naming_file_line_and_field(store: Store, tmp_path: Path) -> None:
    path = leap_file(tmp_path, votes="7OO")

    with pytest.raises(ResultsFileError) as raised:
        import_results(store, path)

    error = raised.value
    assert (error.path, error.line, error.field) == (path, 2, "votes")
    assert str(error).startswith(f"{path}, line 2, field 'votes': '7OO' is not a whole number")
    assert "nothing from this file was imported" in str(error)


def test_a_negative_vote_count_is_refused(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ResultsFileError, match="line 2, field 'votes': '-5'"):
        import_results(store, leap_file(tmp_path, votes="-5"))


def test_a_line_with_too_many_fields_is_refused_at_that_line(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path / "candidates.csv",
        [
            candidate_line(PORT, "Port Example", ("E05000901", "Dockside"), "Able A.", "LD", 900, 1),
            candidate_line(PORT, "Port Example", ("E05000901", "Dockside"), "Bold B.", "LAB", 800, 0) + ",extra",
        ],
        header=CANDIDATES_HEADER,
    )

    with pytest.raises(ResultsFileError, match="Expected Number of Columns: 22 Found: 23") as raised:
        import_results(store, path)

    assert raised.value.line == 3


def test_a_header_with_a_renamed_column_names_the_nearest_format_and_the_column(store: Store, tmp_path: Path) -> None:
    header = CANDIDATES_HEADER.replace("Votes", "Vote count")
    path = write(tmp_path / "candidates.csv", ["1"], header=header)

    with pytest.raises(ResultsFileError) as raised:
        import_results(store, path)

    error = raised.value
    assert (error.line, error.field) == (1, "Votes")
    assert "looks like hoc-local-candidates" in str(error)
    assert "missing 'Votes'; unexpected 'Vote count'" in str(error)


def test_a_file_of_no_known_format_points_to_the_canonical_format(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "mystery.csv", ["1,2,3"], header="when,where,who")

    with pytest.raises(ResultsFileError, match="corpus/results/FORMAT.md") as raised:
        import_results(store, path)

    assert raised.value.line == 1


def test_an_empty_file_is_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")

    with pytest.raises(ResultsFileError, match="the file is empty"):
        import_results(store, path)


def test_a_refused_file_leaves_the_store_as_it_was(store: Store, tmp_path: Path) -> None:
    import_results(store, leap_file(tmp_path))
    before = results_status(store)
    import_results(store, leap_file(tmp_path, name="leap-2018-05-03b.csv"))  # same facts: replaces
    bad = write(
        tmp_path / "composition.csv",
        [
            composition_line(PORT, "Example", (2, 31, 24, 0, 0), "LAB", (0, 27, 29, 0, 1), "LD"),
            composition_line("E06000902", "Other", (2, 31, 24, 0, 0), "LAB", (0, 27, 29, 0, 1), "LD").replace(
                ",31,", ",3l,", 1
            ),
        ],
        header=COMPOSITION_HEADER,
    )

    with pytest.raises(ResultsFileError, match="line 3, field 'lab_2018'"):
        import_results(store, bad)

    assert scalar(store, "SELECT count(*) FROM council_composition") == 0
    assert scalar(store, "SELECT count(*) FROM sources WHERE file = 'composition.csv'") == 0
    assert results_status(store)["candidacies"] == before["candidacies"]


def test_other_files_still_load_when_one_is_bad(store: Store, tmp_path: Path) -> None:
    bad = leap_file(tmp_path, votes="x")
    good = composition_file(tmp_path)

    reports, errors = import_results_files(store, [bad, good])

    assert [report.file for report in reports] == [good]
    assert [(error.path, error.line) for error in errors] == [(bad, 2)]
    assert scalar(store, "SELECT count(*) FROM council_control") == 2


def test_re_importing_a_file_replaces_its_rows_and_shrinking_them_needs_replace(store: Store, tmp_path: Path) -> None:
    path = leap_file(tmp_path)
    import_results(store, path)

    assert import_results(store, path).already == path.name  # the same bytes: nothing to do
    assert scalar(store, "SELECT count(*) FROM candidacies") == 3
    assert scalar(store, "SELECT count(*) FROM sources") == 1
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(ResultsFileError, match="candidacies 3 -> 1"):
        import_results(store, path)
    assert scalar(store, "SELECT count(*) FROM candidacies") == 3
    import_results(store, path, replace=True)
    assert scalar(store, "SELECT count(*) FROM candidacies") == 1


def test_another_files_facts_for_the_same_council_and_election_replace_these(store: Store, tmp_path: Path) -> None:
    import_results(store, leap_file(tmp_path))
    corrected = write(
        tmp_path / "corrected.csv",
        [f"seats_won,local-2018-05-03,{PORT},Lab,3", f"seats_won,local-2018-05-03,{PORT},Con,0"],
        header="record,election,area_code,party,seats",
    )

    report = import_results(store, corrected)

    assert report.superseded == {"seats_won": 2}
    assert seats_won(store, "local-2018-05-03", PORT) == {"LAB": 3}
    assert rows(store, "SELECT DISTINCT source_file FROM seats_won") == [("corrected.csv",)]


def test_a_read_only_store_refuses_imports_but_reports_status(tmp_path: Path) -> None:
    with Store.open(tmp_path) as writable:
        import_results(writable, composition_file(tmp_path))

    with Store.open(tmp_path, read_only=True) as read_only:
        with pytest.raises(StoreError, match="read-only"):
            import_results(read_only, composition_file(tmp_path))
        status = results_status(read_only)

    assert status["council_control"] == "2"
    assert status["data_issues"] == "0"


@pytest.mark.parametrize("bad_line", [2, 1501])
def test_a_file_that_is_not_utf8_is_refused_at_its_line(store: Store, tmp_path: Path, bad_line: int) -> None:
    lines = [leap_line("Port Example", PORT, "Dockside", "E05000901", f"Ann {n}", "C", 9, 1) for n in range(1600)]
    data = "\n".join(lines).encode("utf-8").split(b"\n")
    data[bad_line - 1] = data[bad_line - 1].replace(b"Ann", b"Ren\xe9e")  # Latin-1, as a spreadsheet might save it
    path = tmp_path / "leap-2018-05-03.csv"
    path.write_bytes(b"\n".join(data) + b"\n")

    with pytest.raises(ResultsFileError, match="not UTF-8") as raised:
        import_results(store, path)

    assert raised.value.line == bad_line

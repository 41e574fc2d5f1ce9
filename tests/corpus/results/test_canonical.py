"""The canonical results CSV: every record kind, and the lines it refuses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corpus.results import ResultsFileError, import_results
from corpus.store import Store
from tests.corpus.results.files import EAST, PORT, rows, scalar, seats_won, write

FORMAT_MD = Path(__file__).resolve().parents[3] / "corpus" / "results" / "FORMAT.md"
HEADER = "record,election,area_code,area_name,ward_name,candidate,party,party_name,votes,seats,change,elected,control"


def canonical(tmp_path: Path, *lines: str, header: str = HEADER, name: str = "results.csv") -> Path:
    """A canonical results file."""
    return write(tmp_path / name, list(lines), header=header)


def test_canonical_file_holds_every_kind_of_fact(store: Store, tmp_path: Path) -> None:
    path = canonical(
        tmp_path,
        f"control,local-2022-05-05,{PORT},Port Example,,,,,,57,,,LD",
        f"seats_held,local-2022-05-05,{PORT},Port Example,,,Lib Dems,,,29,5,,",
        f"seats_held,local-2022-05-05,{PORT},Port Example,,,Labour,,,28,-4,,",
        f"seats_won,local-2022-05-05,{PORT},Port Example,,,LD,,,10,,,",
        f"candidacy,local-2022-05-05,{PORT},Port Example,Dockside,Ann Able,Tories,,900,,,1,",
        f"constituency,general-2019-12-12,{EAST},Example East,,Ann Able,Lab,,,,,,",
        f"party_votes,general-2019-12-12,{EAST},,,,Lab,,20000,,,,",
        f"candidacy,general-2019-12-12,{EAST},Example East,,Ann Able,Labor,,20000,,,1,",
        "national,general-2019-12-12,,,,,Con,,13966454,365,,,",
        f"name,,{PORT},Example,,,,,,,,,",
    )

    report = import_results(store, path)

    assert report.format == "canonical"
    assert rows(store, "SELECT control, total_seats FROM council_control") == [("LD", 57)]
    assert rows(store, "SELECT party_code, seats_held, net_change, control FROM council_composition ORDER BY 1") == [
        ("LAB", 28, -4, "LD"),
        ("LD", 29, 5, "LD"),
    ]
    assert seats_won(store, "local-2022-05-05", PORT) == {"LD": 10}
    assert rows(store, "SELECT party_code, party_printed FROM candidacies") == [("CON", "Tories")]
    assert rows(store, "SELECT winner, party_code FROM constituency_results") == [("Ann Able", "LAB")]
    assert rows(store, "SELECT party_code, votes FROM constituency_votes") == [("LAB", 20000)]
    assert rows(store, "SELECT party_code, position, elected FROM constituency_candidacies") == [("LAB", 1, True)]
    assert rows(store, "SELECT party_code, seats FROM national_results") == [("CON", 365)]
    assert scalar(store, "SELECT count(*) FROM authority_aliases WHERE alias = 'example' AND ons_code = ?", PORT) == 1
    assert scalar(store, "SELECT count(*) FROM data_issues") == 0


def test_seats_won_are_counted_from_canonical_candidacies_when_not_given(store: Store, tmp_path: Path) -> None:
    path = canonical(
        tmp_path,
        f"candidacy,local-2022-05-05,{PORT},Port Example,Dockside,Ann Able,Con,,900,,,1,",
        f"candidacy,local-2022-05-05,{PORT},Port Example,Dockside,Ben Bold,Lab,,800,,,0,",
    )

    import_results(store, path)

    assert rows(store, "SELECT party_code, seats FROM seats_won ORDER BY 1") == [("CON", 1), ("LAB", 0)]


def test_the_example_in_format_md_imports(store: Store, tmp_path: Path) -> None:
    example = re.search(r"```csv\n(.*?)```", FORMAT_MD.read_text(encoding="utf-8"), re.S)
    assert example is not None
    path = tmp_path / "example.csv"
    path.write_text(example.group(1), encoding="utf-8")

    import_results(store, path)

    assert scalar(store, "SELECT control FROM council_control") == "NOC"
    assert scalar(store, "SELECT seats FROM national_results WHERE party_code = 'CON'") == 365
    assert scalar(store, "SELECT name FROM authorities") == "Exampleshire"


@pytest.mark.parametrize(
    ("line", "field", "words"),
    [
        (f"tally,local-2022-05-05,{PORT},,,,Con,,,1,,,", "record", "'tally' is not a record type"),
        (f"seats_won,local-2022-13-45,{PORT},,,,Con,,,1,,,", "election", "is not an election id"),
        (f"seats_won,general-2019-12-12,{PORT},,,,Con,,,1,,,", "election", "needs a local election"),
        (f"seats_won,local-2022-05-05,{PORT},,,,,,,1,,,", "party", "a seats_won line needs party"),
        ("seats_won,local-2022-05-05,Hull,,,,Con,,,1,,,", "area_code", "'Hull' is not an ONS code"),
        (f"seats_won,local-2022-05-05,{PORT},,,,Con,,,many,,,", "seats", "'many' is not a whole number"),
        (f"candidacy,local-2022-05-05,{PORT},,,Ann Able,Con,,9,,,1,", "ward_name", "needs ward_name"),
    ],
)
def test_a_bad_canonical_line_is_named_with_its_field(
    store: Store, tmp_path: Path, line: str, field: str, words: str
) -> None:
    path = canonical(tmp_path, f"seats_won,local-2022-05-05,{PORT},,,,Lab,,,3,,,", line)

    with pytest.raises(ResultsFileError) as raised:
        import_results(store, path)

    assert (raised.value.line, raised.value.field) == (3, field)
    assert words in str(raised.value)
    assert scalar(store, "SELECT count(*) FROM seats_won") == 0


def test_the_same_fact_twice_in_any_spelling_is_refused(store: Store, tmp_path: Path) -> None:
    path = canonical(
        tmp_path,
        f"seats_won,local-2022-05-05,{PORT},,,,Con,,,3,,,",
        f"seats_won,local-2022-05-05,{PORT},,,,Lab,,,3,,,",
        f"seats_won,local-2022-05-05,{PORT},,,,Conservative,,,4,,,",
    )

    with pytest.raises(ResultsFileError, match="given twice, on lines 2 and 4") as raised:
        import_results(store, path)

    assert raised.value.line == 4


def test_an_unknown_canonical_column_is_refused_on_line_1(store: Store, tmp_path: Path) -> None:
    path = canonical(
        tmp_path, "seats_won,local-2022-05-05,E06000901,Con,3,9", header="record,election,area_code,party,seats,colour"
    )

    with pytest.raises(ResultsFileError, match="unknown column 'colour'") as raised:
        import_results(store, path)

    assert (raised.value.line, raised.value.field) == (1, "colour")

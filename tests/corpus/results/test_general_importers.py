"""Each general-election importer on a small made-up file of its format."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.results import ResultsFileError, import_results
from corpus.store import Store
from tests.corpus.results.files import (
    EAST,
    GE2017_HEADER,
    GE2019_HEADER,
    GE_CANDIDATES_HEADER,
    PARLIAMENT_HEADER,
    WEST,
    constituency_line,
    ge_candidate_line,
    parliament_line,
    rows,
    scalar,
    write,
)

GE2017 = "general-2017-06-08"
GE2019 = "general-2019-12-12"


def constituencies_2019(tmp_path: Path) -> Path:
    """Two seats at the 2019 general election, one held by the Speaker."""
    return write(
        tmp_path / "HoC-GE2019-results-by-constituency.csv",
        [
            constituency_line(
                EAST, "Example East", ("Ann", "Able"), "Lab", "Con", {"Lab": 20000, "Con": 15000, "BRX": 3000}
            ),
            constituency_line(
                WEST, "Example West", ("Ben", "Bold"), "Spk", "Green", {"Green": 5000, "All other candidates": 30000}
            ),
        ],
        header=GE2019_HEADER,
    )


def test_constituency_file_gives_results_votes_by_party_and_national_seats(store: Store, tmp_path: Path) -> None:
    report = import_results(store, constituencies_2019(tmp_path))

    assert report.format == "hoc-ge2019-constituencies"
    assert rows(
        store,
        "SELECT winner, party_code, second_party_code, majority, valid_votes FROM constituency_results "
        "WHERE ons_code = ?",
        EAST,
    ) == [("Ann Able", "LAB", "CON", 5000, 38000)]
    assert scalar(store, "SELECT round(turnout, 4) FROM constituency_results WHERE ons_code = ?", EAST) == round(
        38000 / 70000, 4
    )
    assert rows(store, "SELECT party_code, votes FROM constituency_votes WHERE ons_code = ? ORDER BY 2 DESC", WEST) == [
        ("OTH", 30000),
        ("GRN", 5000),
    ]
    assert rows(store, "SELECT party_code, seats FROM national_results WHERE seats > 0 ORDER BY 1") == [
        ("LAB", 1),
        ("SPK", 1),
    ]
    assert scalar(store, "SELECT declared_at::VARCHAR FROM constituency_results WHERE ons_code = ?", EAST) == (
        "2019-12-13 02:30:00"
    )


def test_the_2017_constituency_file_is_told_apart_by_its_ukip_column(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path / "ge2017.csv",
        [constituency_line(EAST, "Example East", ("Ann", "Able"), "Lab", "UKIP", {"Lab": 9, "UKIP": 5}, third="UKIP")],
        header=GE2017_HEADER,
    )

    report = import_results(store, path)

    assert report.format == "hoc-ge2017-constituencies"
    assert rows(store, "SELECT election_id, party_code FROM national_results WHERE seats > 0") == [(GE2017, "LAB")]
    assert rows(store, "SELECT party_code FROM constituency_votes ORDER BY 1") == [("LAB",), ("UKIP",)]


def test_ge2019_candidates_are_elected_by_most_votes(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path / "candidates.csv",
        [
            ge_candidate_line(EAST, "Example East", "Labour and Co-operative", "Lab", "Ann", "Able", 20000),
            ge_candidate_line(EAST, "Example East", "Conservative", "Con", "Cat", "Cole", 15000),
            ge_candidate_line(EAST, "Example East", "The Yorkshire Party", "Yrks", "Dan", "Dee", 300),
            ge_candidate_line(EAST, "Example East", "Example Pirates", "ExP", "Eve", "Eng", 20),
        ],
        header=GE_CANDIDATES_HEADER,
    )

    import_results(store, path)

    assert rows(
        store, "SELECT candidate, party_code, position, elected FROM constituency_candidacies ORDER BY position"
    ) == [
        ("Ann Able", "LAB", 1, True),
        ("Cat Cole", "CON", 2, False),
        ("Dan Dee", "YORKS", 3, False),
        ("Eve Eng", "EXP", 4, False),
    ]
    assert scalar(store, "SELECT name FROM parties WHERE code = 'EXP'") == "Example Pirates"


def test_parliament_candidates_get_constituency_codes_from_another_file(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path / "parliament-2017-candidates.csv",
        [
            parliament_line("Example East", "Ann Able", "Labour Party", "Labour", 20000, 1),
            parliament_line("Example East", "Cat Cole", "Conservative Party", "Conservative", 15000, 2),
        ],
        header=PARLIAMENT_HEADER,
    )
    import_results(store, path)
    assert scalar(store, "SELECT count(*) FROM data_issues WHERE kind = 'unresolved_constituency'") == 1

    import_results(store, constituencies_2019(tmp_path))

    assert rows(store, "SELECT DISTINCT election_id, ons_code FROM constituency_candidacies") == [(GE2017, EAST)]
    assert scalar(store, "SELECT count(*) FROM data_issues WHERE kind = 'unresolved_constituency'") == 0


def test_parliament_candidates_of_an_unknown_election_are_refused_at_their_line(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path / "parliament.csv",
        [
            parliament_line("Example East", "Ann Able", "Labour Party", "Labour", 20000, 1),
            parliament_line("Example East", "Cat Cole", "Labour Party", "Labour", 200, 2, election="ge-2016"),
        ],
        header=PARLIAMENT_HEADER,
    )

    with pytest.raises(ResultsFileError) as raised:
        import_results(store, path)

    assert (raised.value.line, raised.value.field) == (3, "election_id")
    assert "ge-2016" in str(raised.value)


def test_candidates_that_disagree_with_the_constituency_result_are_recorded(store: Store, tmp_path: Path) -> None:
    import_results(store, constituencies_2019(tmp_path))
    path = write(
        tmp_path / "candidates.csv",
        [
            ge_candidate_line(EAST, "Example East", "Conservative", "Con", "Cat", "Cole", 21000),
            ge_candidate_line(EAST, "Example East", "Labour", "Lab", "Ann", "Able", 20000),
            ge_candidate_line(EAST, "Example East", "The Brexit Party", "BRX", "Dan", "Dee", 3000),
        ],
        header=GE_CANDIDATES_HEADER,
    )

    report = import_results(store, path)

    assert report.issues == 2
    assert rows(store, "SELECT kind, party_code, value_a, value_b FROM data_issues ORDER BY kind") == [
        ("votes_vs_candidates", "CON", "15000", "21000"),
        ("winner_vs_candidates", "LAB", "LAB", "CON"),
    ]

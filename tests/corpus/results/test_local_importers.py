"""Each local-election importer on a small made-up file of its format."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.results import import_results
from corpus.results.errors import ResultsFileError
from corpus.store import Store
from tests.corpus.results.files import (
    CANDIDATES_HEADER,
    COMPOSITION_HEADER,
    OCD_HEADER,
    PORT,
    SAMPLETON,
    candidate_line,
    composition_line,
    leap_line,
    ocd_line,
    rows,
    scalar,
    seats_won,
    write,
)

LOCAL_2018 = "local-2018-05-03"
LOCAL_2022 = "local-2022-05-05"


def leap_file(tmp_path: Path) -> Path:
    """Two wards of Port Example and a mayoralty placeholder, as LEAP prints them."""
    return write(
        tmp_path / "leap-2018-05-03.csv",
        [
            leap_line("Port Example", PORT, "Dockside", "E05000901", "Ann Able", "C", 900, 1),
            leap_line("Port Example", PORT, "Dockside", "E05000901", "Ben Bold", "Lab", 800, 0),
            leap_line("Port Example", PORT, "Hillside", "E05000902", "Cat Cole", "Lab", 700, 1),
            leap_line("Port Example", PORT, "Hillside", "E05000902", "Dan Dee", "Lab", 650, 1),
            leap_line("Port Example", PORT, "Hillside", "E05000902", "Eve Eng", "Grn", 100, 0),
            leap_line("Port Example", PORT, "Hillside", "E05000902", "Fay Fox", "Werr1st", 50, 0),
            '"Sampleton","E09000901","Elected Mayor",NULL,NULL,NULL,NULL,NULL',
        ],
    )


def test_leap_file_gives_candidacies_and_seats_won_with_canonical_party_codes(store: Store, tmp_path: Path) -> None:
    report = import_results(store, leap_file(tmp_path))

    assert report.format == "leap"
    assert report.rows["candidacies"] == 6
    assert seats_won(store, LOCAL_2018, PORT) == {"CON": 1, "LAB": 2}
    assert rows(store, "SELECT party_printed, party_code FROM candidacies WHERE candidate = 'Fay Fox'") == [
        ("Werr1st", "WERR")
    ]
    assert scalar(store, "SELECT seats FROM seats_won WHERE party_code = 'GRN'") == 0


def test_leap_placeholder_rows_are_dropped_not_refused(store: Store, tmp_path: Path) -> None:
    import_results(store, leap_file(tmp_path))

    assert scalar(store, "SELECT count(*) FROM candidacies WHERE ons_code = ?", SAMPLETON) == 0


def test_leap_election_day_comes_from_the_file_name(store: Store, tmp_path: Path) -> None:
    import_results(store, leap_file(tmp_path))

    assert rows(store, "SELECT id, date::VARCHAR, kind, name FROM elections") == [
        (LOCAL_2018, "2018-05-03", "local", "Local elections, 3 May 2018")
    ]
    assert rows(store, "SELECT ward_code, name, ons_code FROM wards ORDER BY 1") == [
        ("E05000901", "Dockside", PORT),
        ("E05000902", "Hillside", PORT),
    ]


def test_hoc_candidates_file_maps_commons_library_party_codes(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path / "candidates.csv",
        [
            candidate_line(PORT, "Port Example, City of", ("E05000901", "Dockside"), "Able A.", "LD", 900, 1),
            candidate_line(PORT, "Port Example, City of", ("E05000901", "Dockside"), "Bold B.", "GREEN", 800, 1),
            candidate_line(PORT, "Port Example, City of", ("E05000901", "Dockside"), "Cole C.", "ND", 700, 0),
            candidate_line(
                PORT, "Port Example, City of", ("E05000901", "Dockside"), "Dee D.", "CON", 10, 0, incumbent=1
            ),
        ],
        header=CANDIDATES_HEADER,
    )

    report = import_results(store, path)

    assert report.format == "hoc-local-candidates"
    assert seats_won(store, LOCAL_2022, PORT) == {"LD": 1, "GRN": 1}
    assert scalar(store, "SELECT party_code FROM candidacies WHERE party_printed = 'ND'") == "IND"
    assert scalar(store, "SELECT incumbent FROM candidacies WHERE candidate = 'Dee D.'") is True
    assert rows(store, "SELECT name, type FROM authorities") == [("Port Example", "Unitary")]


def test_hoc_composition_gives_seats_held_net_change_and_control_for_both_years(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path / "composition.csv",
        [
            composition_line(PORT, "Example", (2, 31, 24, 0, 0), "LAB", (0, 27, 29, 0, 1), "LD"),
            composition_line(SAMPLETON, "Sampleton", None, "-", (40, 20, 0, 0, 0), "CON", vacant=1, seats_up="Third"),
        ],
        header=COMPOSITION_HEADER,
    )

    report = import_results(store, path)

    assert report.rows == {"council_control": 3, "council_composition": 15}
    assert rows(
        store,
        "SELECT party_code, seats_held, net_change FROM council_composition "
        "WHERE ons_code = ? AND election_id = ? AND seats_held > 0 ORDER BY 1",
        PORT,
        LOCAL_2022,
    ) == [("LAB", 27, -4), ("LD", 29, 5), ("OTH", 1, 1)]
    assert rows(store, "SELECT election_id, control FROM council_control WHERE ons_code = ? ORDER BY 1", PORT) == [
        (LOCAL_2018, "LAB"),
        (LOCAL_2022, "LD"),
    ]
    assert rows(
        store, "SELECT total_seats, vacant_seats, seats_up, control FROM council_control WHERE ons_code = ?", SAMPLETON
    ) == [(61, 1, "Third", "CON")]


def test_open_council_data_labels_become_control_codes(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path / "history.csv",
        [
            ocd_line(1, 7, "Port Example", 2018, {"lab": 31, "ld": 24, "con": 2}, "Lab"),
            ocd_line(2, 7, "Port Example", 2019, {"lab": 28, "ld": 26, "con": 3}, "Lab plurality"),
            ocd_line(3, 7, "Port Example", 2020, {"lab": 28, "ld": 26, "con": 3}, "CON min"),
            ocd_line(4, 7, "Port Example", 2021, {"lab": 28, "ld": 26, "con": 3}, "LD/IND"),
            ocd_line(5, 7, "Port Example", 2022, {"lab": 27, "ld": 29, "other": 1}, "LD"),
            ocd_line(6, 7, "Port Example", 2023, {"lab": 27, "ld": 29, "other": 1}, "LAB Mayor"),
            ocd_line(7, 7, "Port Example", 2024, {"lab": 27, "ld": 29, "other": 1}, "Other"),
        ],
        header=OCD_HEADER,
    )

    import_results(store, path)

    assert rows(store, "SELECT DISTINCT year, control FROM council_composition_by_year ORDER BY year") == [
        (2018, "LAB"),
        (2019, "NOC"),
        (2020, "NOC"),
        (2021, "NOC"),
        (2022, "LD"),
        (2023, None),
        (2024, "OTH"),
    ]
    assert scalar(store, "SELECT sum(seats_held) FROM council_composition_by_year WHERE year = 2018") == 57


def test_open_council_data_names_get_codes_whichever_file_comes_first(store: Store, tmp_path: Path) -> None:
    history = write(
        tmp_path / "history.csv",
        [ocd_line(1, 7, "Port Example", 2018, {"lab": 31, "ld": 24, "con": 2}, "Lab")],
        header=OCD_HEADER,
    )
    import_results(store, history)
    assert scalar(store, "SELECT count(*) FROM data_issues WHERE kind = 'unresolved_authority'") == 1

    import_results(store, leap_file(tmp_path))

    assert rows(store, "SELECT DISTINCT ons_code FROM council_composition_by_year") == [(PORT,)]
    assert scalar(store, "SELECT count(*) FROM data_issues WHERE kind = 'unresolved_authority'") == 0


WARDS_HEADER = ("COUNTYNAME,County code,County name,Local authority code,Local authority name,Ward code,Ward name,"
                "Vacancies,Type,Electorate,Turnout (%),CON,LAB,GREEN,Total votes")


def test_the_wards_sheet_gives_turnout_and_electorate_whatever_parties_stood(store: Store, tmp_path: Path) -> None:
    # Its party columns are that year's parties, so the header is read; a stray "True" in one is not kept.
    path = write(tmp_path / "wards_results_2022.csv", [
        WARDS_HEADER,
        f"Example,NA,NA,{PORT},Port Example,E05000901,Dockside,1,UAT,5000,31.2,900,700,True,1600",
        f"Example,NA,NA,{PORT},Port Example,E05000902,Hillside,2,UAT,6000,,1,2,3,2400",
    ])
    report = import_results(store, path)

    assert report.format == "hoc-local-wards" and report.rows["ward_results"] == 2
    assert rows(store, "SELECT ward_name, seats_up, electorate, turnout, total_votes FROM ward_results "
                       "ORDER BY ward_name") == [("Dockside", 1, 5000, 31.2, 1600), ("Hillside", 2, 6000, None, 2400)]
    assert scalar(store, "SELECT election_id FROM ward_results LIMIT 1") == LOCAL_2022


def test_a_wards_sheet_with_a_turnout_over_100_is_refused_by_line(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "wards_results_2022.csv", [
        WARDS_HEADER, f"Example,NA,NA,{PORT},Port Example,E05000901,Dockside,1,UAT,5000,131.2,900,700,1,1600"])
    with pytest.raises(ResultsFileError, match="line 2.*Turnout"):
        import_results(store, path)
    assert scalar(store, "SELECT count(*) FROM ward_results") == 0

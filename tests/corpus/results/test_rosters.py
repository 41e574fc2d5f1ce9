"""Open Council Data's councillor rosters: who sat on each council, ward by ward, in a year. Imported by name and
reconciled with the councils and wards the election files name; answered as who sat on the council that year,
not who was elected.

The figures checked against the real files are counted here from the CSV files themselves, with the csv module."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from bot.ask import Bot
from bot.conversation import Conversation
from corpus.results import import_results
from corpus.results.errors import ResultsFileError
from corpus.store import Store
from tests.corpus.results.files import CANDIDATES_HEADER, PORT, candidate_line, rows, scalar, write
from tests.helpers import MORE_FILES

HEADER = 'Council,"Ward Name","Councillor Name","Next Election","Party Name","Electoral Commission Party Code"'
ROSTER = [
    'Port Example,Harbour,"Ann Able",2026-05-07,"Labour Party",PP53',
    'Port Example,"Harbour ","Bob Bold",2024-05-02,"Green Party (E&W)",PP63',
    'Port Example,"Hill Top","Cat Cole",2026-05-07,"Independent / Other",',
    'Port Example,"Hill Top",Vacant,2026-05-07,Vacant,',
    'Port Example,"Hill Top","Dan Dee",2026-05-07,"Dockside Residents",PP9999',
    'Nowhere Vale,Middle,"Eve Eld",2025-05-01,"Conservative and Unionist",PP52',
]


def roster(folder: Path, lines: list[str], name: str = "opencouncildata_councillors_2022.csv") -> Path:
    return write(folder / name, lines, header=HEADER)


@pytest.fixture
def known(store: Store, tmp_path: Path) -> Store:
    """A store that knows Port Example by its ONS code, with its Harbour ward, from a 2022 candidates file."""
    import_results(store, write(tmp_path / "candidates.csv", [
        candidate_line(PORT, "Port Example, City of", ("E05000901", "Harbour"), "Able A.", "LAB", 900, 1),
        candidate_line(PORT, "Port Example, City of", ("E05000902", "Quayside"), "Fry F.", "CON", 700, 1),
    ], header=CANDIDATES_HEADER))
    return store


def test_a_roster_is_one_row_a_seat_its_council_and_wards_reconciled(known: Store, tmp_path: Path) -> None:
    report = import_results(known, roster(tmp_path, ROSTER))
    assert report.format == "opencouncildata-councillors" and report.rows["councillors"] == 6
    got = rows(known, "SELECT line, year, ons_code, ward_name, ward_code, councillor, party_code, party_printed, "
                      "party_registration FROM councillors ORDER BY line")
    assert got == [
        (2, 2022, PORT, "Harbour", "E05000901", "Ann Able", "LAB", "Labour Party", "PP53"),
        (3, 2022, PORT, "Harbour", "E05000901", "Bob Bold", "GRN", "Green Party (E&W)", "PP63"),  # name trimmed
        (4, 2022, PORT, "Hill Top", None, "Cat Cole", "IND", "Independent / Other", None),  # no ward so named
        (5, 2022, PORT, "Hill Top", None, None, None, "Vacant", None),  # a vacant seat
        (6, 2022, PORT, "Hill Top", None, "Dan Dee", "PP9999", "Dockside Residents", "PP9999"),  # a new party
        (7, 2022, None, "Middle", None, "Eve Eld", "CON", "Conservative and Unionist", "PP52"),
    ]
    assert scalar(known, "SELECT name FROM parties WHERE code = 'PP9999'") == "Dockside Residents"
    assert rows(known, "SELECT kind, area_name FROM data_issues WHERE kind = 'unresolved_roster_council'") == [
        ("unresolved_roster_council", "Nowhere Vale")]


def test_a_name_listed_twice_in_a_ward_is_kept_and_named_as_an_issue(known: Store, tmp_path: Path) -> None:
    import_results(known, roster(tmp_path, [*ROSTER, 'Port Example,Harbour,"Ann Able",2024-05-02,"Labour Party",PP53']))
    assert scalar(known, "SELECT count(*) FROM councillors WHERE councillor = 'Ann Able'") == 2
    (detail,) = rows(known, "SELECT detail FROM data_issues WHERE kind = 'roster_listed_twice'")[0]
    assert "Ann Able is listed 2 times in Harbour ward (lines 2, 8)" in str(detail)


def test_a_newer_roster_replaces_the_same_year_and_council(known: Store, tmp_path: Path) -> None:
    import_results(known, roster(tmp_path, ROSTER))
    filled = 'Port Example,"Hill Top","Fay Fox",2026-05-07,"Labour Party",PP53'  # the vacant seat, filled
    report = import_results(known, roster(tmp_path, [*ROSTER[:3], filled, ROSTER[4]],
                                          name="councillors_2022_corrected.csv"))
    assert report.superseded == {"councillors": 5}
    assert rows(known, "SELECT authority_name, source_file, count(*), count(councillor) FROM councillors "
                       "GROUP BY ALL ORDER BY 1") == [
        ("Nowhere Vale", "opencouncildata_councillors_2022.csv", 1, 1),
        ("Port Example", "councillors_2022_corrected.csv", 5, 5)]
    # another year's roster of the council stands beside it
    import_results(known, roster(tmp_path, ROSTER[:1], name="opencouncildata_councillors_2018.csv"))
    assert rows(known, "SELECT year, count(*) FROM councillors WHERE ons_code = ? GROUP BY 1 ORDER BY 1", PORT) == [
        (2018, 1), (2022, 5)]


@pytest.mark.parametrize(("line", "field", "says"), [
    ('Port Example,Harbour,"Ann Able",soon,"Labour Party",PP53', "Next Election", "'soon' is not a date"),
    ('Port Example,Harbour,,2026-05-07,"Labour Party",PP53', "Councillor Name", "the councillor's name is missing"),
])
def test_a_malformed_line_is_refused_by_file_line_and_field(store: Store, tmp_path: Path, line: str, field: str,
                                                            says: str) -> None:
    path = roster(tmp_path, [*ROSTER[:2], line, *ROSTER[2:]])
    with pytest.raises(ResultsFileError) as raised:
        import_results(store, path)
    error = raised.value
    assert (error.path, error.line, error.field) == (path, 4, field) and says in str(error), str(error)
    assert scalar(store, "SELECT count(*) FROM councillors") == 0


def test_a_roster_whose_name_says_no_year_is_refused(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ResultsFileError, match="name the file with the roster's year") as raised:
        import_results(store, roster(tmp_path, ROSTER, name="councillors.csv"))
    assert raised.value.line == 1


# ---------------------------------------------------------------- the real files


def read_roster(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{key: value.strip() for key, value in row.items()} for row in csv.DictReader(handle)]


@pytest.fixture(scope="module")
def rosters(shared: Path) -> dict[int, list[dict[str, str]]]:
    """Each real roster's rows by year, read with the csv module."""
    return {int(name[-8:-4]): read_roster(shared / "data" / name) for name in MORE_FILES if "councillors_" in name}


def sitting(lines: list[dict[str, str]], council: str, ward: str | None = None, code: str | None = None) -> list[str]:
    """The councillors of a council (in a ward, of an Electoral Commission party code) as the file lists them."""
    return [row["Councillor Name"] for row in lines if row["Council"] == council and row["Party Name"] != "Vacant"
            and ward in (None, row["Ward Name"]) and code in (None, row["Electoral Commission Party Code"])]


@pytest.mark.shared
def test_every_line_of_the_real_rosters_is_a_seat(more_bot: Bot, rosters: dict[int, list[dict[str, str]]]) -> None:
    run = more_bot.store.connection.execute
    for year, lines in rosters.items():
        assert run("SELECT count(*) FROM councillors WHERE year = ?", [year]).fetchone() == (len(lines),)
        vacant = sum(row["Party Name"] == "Vacant" for row in lines)
        assert run("SELECT count(*) FROM councillors WHERE year = ? AND councillor IS NULL", [year]).fetchone() == (
            vacant,)
        listed = Counter((r["Council"], r["Ward Name"], r["Councillor Name"]) for r in lines
                         if r["Party Name"] != "Vacant")
        twice = sum(1 for n in listed.values() if n > 1)
        assert run("SELECT count(*) FROM data_issues WHERE kind = 'roster_listed_twice' AND election_id = ?",
                   [f"year-{year}"]).fetchone() == (twice,)
    unplaced = run("SELECT count(*) FROM councillors WHERE councillor IS NOT NULL AND party_code IS NULL").fetchone()
    assert unplaced == (0,)
    # councils named with codes by other files get them; wards too, by the election nearest the roster's year
    assert run("SELECT DISTINCT ons_code FROM councillors WHERE authority_name = 'Kingston upon Hull'").fetchall() == [
        ("E06000010",)]
    assert run("SELECT DISTINCT year, ward_code FROM councillors WHERE authority_name = 'Cambridge' "
               "AND ward_name = 'Castle' ORDER BY 1").fetchall() == [(2018, "E05002704"), (2022, "E05013052")]


@pytest.mark.shared
def test_who_sits_on_a_council_for_a_party(more_bot: Bot, rosters: dict[int, list[dict[str, str]]]) -> None:
    greens = sitting(rosters[2022], "Norwich", code="PP63")  # Green Party (E&W)
    answer = more_bot.answer("Who are the Green councillors on Norwich council?")
    assert answer.keys is not None and answer.keys.intent == "council_councillors", answer.text
    assert f"According to Open Council Data, {len(greens)} Green Party councillors sat on Norwich council in 2022" \
        in answer.text
    assert all(name in answer.text for name in greens) and "not who was elected" in answer.text
    labour = sitting(rosters[2022], "Kingston upon Hull", code="PP53")
    text = more_bot.answer("List the Labour councillors in Hull").text
    assert f"{len(labour)} Labour councillors sat on Kingston upon Hull council in 2022" in text
    assert all(name in text for name in labour)


@pytest.mark.shared
def test_who_represents_a_ward(more_bot: Bot, rosters: dict[int, list[dict[str, str]]]) -> None:
    for year, asked in ((2022, "Who represents Castle ward in Cambridge?"),
                        (2018, "Who represents Castle ward in Cambridge in 2018?")):
        castle = sitting(rosters[year], "Cambridge", ward="Castle")
        answer = more_bot.answer(asked)
        assert answer.keys is not None and answer.keys.intent == "ward_councillors", answer.text
        assert f"who sat for Castle ward on Cambridge council in {year} were" in answer.text
        assert len(castle) == 3 and all(name in answer.text for name in castle), answer.text
    # a division of a council no file gives a code for, known from the roster alone
    trumpington = sitting(rosters[2022], "Cambridgeshire", ward="Trumpington")
    answer = more_bot.answer("Who represents Trumpington in Cambridgeshire?")
    assert answer.keys is not None and answer.keys.intent == "ward_councillors", answer.text
    assert trumpington and all(name in answer.text for name in trumpington), answer.text
    # who was elected there is the election's answer, not the roster's
    answer = more_bot.answer("Who won Castle ward in Cambridge in 2022?")
    assert answer.keys is not None and answer.keys.intent == "ward_result"


@pytest.mark.shared
def test_how_many_councillors_is_still_the_councils_composition(more_bot: Bot,
                                                                 rosters: dict[int, list[dict[str, str]]]) -> None:
    answer = more_bot.answer("How many councillors does Norwich have?")
    assert answer.keys is not None and answer.keys.intent == "council_composition", answer.text
    assert f"the {len(sitting(rosters[2022], 'Norwich'))} seats on Norwich council" in answer.text


@pytest.mark.shared
def test_a_follow_up_asks_the_same_roster_of_another_year(more_bot: Bot,
                                                          rosters: dict[int, list[dict[str, str]]]) -> None:
    conversation = Conversation("rosters")
    more_bot.answer("Who are the Green councillors on Norwich council?", conversation)
    text = more_bot.answer("What about 2018?", conversation).text
    assert f"{len(sitting(rosters[2018], 'Norwich', code='PP63'))} Green Party councillors sat on Norwich council " \
           "in 2018" in text
    text = more_bot.answer("And Labour?", conversation).text
    assert f"{len(sitting(rosters[2018], 'Norwich', code='PP53'))} Labour councillors sat on Norwich council" in text


@pytest.mark.shared
def test_a_year_with_no_roster_says_which_years_there_are(more_bot: Bot) -> None:
    answer = more_bot.answer("Who were the Labour councillors in Hull in 2019?")
    assert answer.outcome == "no_data" and "for 2018 and 2022 only, not for 2019" in answer.text


@pytest.mark.shared
def test_without_rosters_the_question_goes_to_what_the_results_hold(bot: Bot) -> None:
    answer = bot.answer("Who are the Green councillors on Norwich council?")
    assert answer.keys is not None and answer.keys.intent == "council_seats_held", answer.text

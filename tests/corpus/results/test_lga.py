"""A council's own results in the LGA transparency schema: small made-up files, then Trafford's real one."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.results import import_results
from corpus.results.errors import ResultsFileError
from corpus.results.lga import LGA, readable
from corpus.store import Store
from tests.corpus.results.files import PORT, rows, scalar, seats_won, write

HEADER = ",".join(LGA.names)
COUNCIL_URI = "http://opendatacommunities.org/id/unitary-authority/port-example"
AREA = "http://statistics.data.gov.uk/id/statistical-geography/"
PARTY = "http://search.electoralcommission.org.uk/English/Registrations/"
SEATS = "http://statistics.data.gov.uk/def/geography/collection/E14"


def lga_line(
    day: str, area: tuple[str, str], name: tuple[str, str], party: tuple[str, str], votes: int | str, elected: bool,
    *, kind: str = "DistrictAndBorough", cast: int | str = 1000, electorate: int | str = 4000,
    turnout: str = "25.0", rejected: tuple[int | str, ...] = (0, 1, 0, 0, 2), common: tuple[str, str] = ("", ""),
    body: tuple[str, str] = (COUNCIL_URI, "Port Example Council"),
) -> str:
    """One candidate as a council prints it: `name` and `common` are (surname, forenames), `party` (registration,
    label)."""
    fields = ["2026-05-08", COUNCIL_URI, "Port Example Council", "http://id.esd.org.uk/service/721",
              "Election Results", day, kind, *body, AREA + area[0], area[1], name[0], name[1], *common,
              PARTY + party[0] if party[0] else "", party[1], "", str(votes), "ELECTED" if elected else "NOT ELECTED",
              str(cast), str(electorate), *map(str, rejected), turnout, "https://example.org/elections",
              "A. Officer", "Electoral Services", "elections@example.org", "0800 000 000"]
    return ",".join(f'"{field}"' if "," in field else field for field in fields)


def known_council(store: Store, tmp_path: Path) -> None:
    """Another file gives Port Example its ONS code, as the Commons Library's or LEAP's files would."""
    import_results(store, write(tmp_path / "names.csv", [f"name,,{PORT},Port Example"],
                                header="record,election,area_code,area_name"))


def lga_file(tmp_path: Path, lines: list[str], name: str = "port-example-results.csv") -> Path:
    """An LGA-schema results file of these candidate lines."""
    return write(tmp_path / name, lines, header=HEADER)


DOCKSIDE = ("E05000901", "Dockside")
HILLSIDE = ("E05000902", "Hillside")
ORDINARY = [
    lga_line("2022-05-05", DOCKSIDE, ("MCGRATH", "Annabel Jane"), ("PP53", "Labour Party"), 900, True,
             common=("", "Ann")),
    lga_line("2022-05-05", DOCKSIDE, ("O'NEILL", "Brian"), ("PP52", "Conservative and Unionist Party"), 500, False),
    lga_line("2022-05-05", HILLSIDE, ("CARTER-KANDOLA", "Cara"), ("PP52", "Conservative Party"), 700, True,
             cast=1500, electorate=5000, turnout="30.0", rejected=(0, 0, 0, 0, 4)),
    lga_line("2022-05-05", HILLSIDE, ("DEE", "Dan"), ("", "Independent"), 650, True, cast=1500, electorate=5000,
             turnout="30.0", rejected=(0, 0, 0, 0, 4)),
    lga_line("2022-05-05", HILLSIDE, ("EVANS", "Eve"), ("PP63", "Green Party"), 100, False, cast=1500,
             electorate=5000, turnout="30.0", rejected=(0, 0, 0, 0, 4)),
]
BY_ELECTION = [
    lga_line("2025-10-16", DOCKSIDE, ("FOX", "Fay"), ("PP52", "Local Conservatives"), 600, True,
             kind="DistrictAndBoroughByElection", rejected=("", "", "", "", "")),
    lga_line("2025-10-16", DOCKSIDE, ("GREEN", "Gus"), ("PP7931", "Reform UK"), 550, False,
             kind="DistrictAndBoroughByElection", rejected=("", "", "", "", "")),
]


@pytest.fixture
def known(store: Store, tmp_path: Path) -> Iterator[Store]:
    """A store that knows Port Example's ONS code."""
    known_council(store, tmp_path)
    yield store


def test_lga_file_gives_candidacies_seats_won_and_ward_results_under_the_councils_code(
    known: Store, tmp_path: Path
) -> None:
    report = import_results(known, lga_file(tmp_path, ORDINARY))

    assert report.format == "lga-election-results"
    assert report.rows["candidacies"] == 5
    assert seats_won(known, "local-2022-05-05", PORT) == {"LAB": 1, "CON": 1, "IND": 1}
    assert rows(known, "SELECT ward_name, seats_up, electorate, turnout, total_votes, ballots_cast, rejected_ballots "
                       "FROM ward_results ORDER BY ward_code") == [
        ("Dockside", 1, 4000, 25.0, 1400, 1000, 3),
        ("Hillside", 2, 5000, 30.0, 1450, 1500, 4),
    ]
    assert rows(known, "SELECT ward_code, name, ons_code FROM wards ORDER BY 1") == [
        ("E05000901", "Dockside", PORT), ("E05000902", "Hillside", PORT)]


def test_candidates_go_by_their_commonly_used_names_in_ordinary_case(known: Store, tmp_path: Path) -> None:
    import_results(known, lga_file(tmp_path, ORDINARY))

    assert [name for (name,) in rows(known, "SELECT candidate FROM candidacies ORDER BY votes DESC")] == [
        "Ann McGrath", "Cara Carter-Kandola", "Dan Dee", "Brian O'Neill", "Eve Evans"]


def test_the_councils_label_is_read_without_its_council_words(store: Store, tmp_path: Path) -> None:
    import_results(store, write(tmp_path / "leap-2018-05-03.csv", [
        '"Portside","E06000901","Dockside","E05000901","Zed Zane","Lab","10","1"']))
    import_results(store, lga_file(tmp_path, ORDINARY))

    assert scalar(store, "SELECT name FROM authorities WHERE ons_code = ?", PORT) == "Portside"
    assert scalar(store, "SELECT DISTINCT ons_code FROM authority_aliases WHERE alias = 'port example'") == PORT


def test_by_election_is_an_election_of_its_own_kind_and_day(known: Store, tmp_path: Path) -> None:
    import_results(known, lga_file(tmp_path, ORDINARY + BY_ELECTION))

    assert rows(known, "SELECT id, kind, name FROM by_elections") == [
        ("local-by-2025-10-16", "local", "Local by-elections, 16 October 2025")]
    assert rows(known, "SELECT id FROM elections ORDER BY 1") == [("local-2022-05-05",)]
    assert seats_won(known, "local-by-2025-10-16", PORT) == {"CON": 1}
    assert seats_won(known, "local-2022-05-05", PORT) == {"LAB": 1, "CON": 1, "IND": 1}
    assert rows(known, "SELECT ward_name, seats_up, rejected_ballots FROM ward_results "
                       "WHERE election_id = 'local-by-2025-10-16'") == [("Dockside", 1, None)]


def test_a_party_is_known_by_its_registration_whatever_its_label(known: Store, tmp_path: Path) -> None:
    lines = [
        lga_line("2019-05-02", DOCKSIDE, ("ABLE", "Ann"), ("PP7931", "Reform UK"), 300, True),
        lga_line("2019-05-02", DOCKSIDE, ("BOLD", "Ben"), ("PP99999", "Example First"), 200, False),
        lga_line("2022-05-05", DOCKSIDE, ("COLE", "Cat"), ("PP99999", "Example First Party"), 250, False),
        lga_line("2022-05-05", DOCKSIDE, ("DRAY", "Dot"), ("PP99999", "Example First"), 260, True),
        lga_line("2022-05-05", HILLSIDE, ("EAST", "Ed"), ("PP7931", "Reform UK"), 400, True),
        lga_line("2022-05-05", HILLSIDE, ("FELL", "Flo"), ("PP63", "Example Greens Together"), 100, False),
    ]
    import_results(known, lga_file(tmp_path, lines))

    parties = dict(rows(known, "SELECT candidate, party_code FROM candidacies"))
    assert parties["Ann Able"] == "BRX"  # PP7931 was the Brexit Party until it became Reform UK in 2021
    assert parties["Ed East"] == "REF"
    assert parties["Flo Fell"] == "GRN"
    assert parties["Ben Bold"] == parties["Cat Cole"] == parties["Dot Dray"] == "EXAMPLE FIRST"
    assert scalar(known, "SELECT party_printed FROM candidacies WHERE candidate = 'Cat Cole'") == "Example First Party"


def test_every_registration_names_a_seeded_party() -> None:
    folder = Path(__file__).resolve().parents[3] / "corpus" / "results"
    with (folder / "parties.csv").open(encoding="utf-8") as seeded:
        codes = {row["code"] for row in csv.DictReader(seeded)}
    with (folder / "party_registrations.csv").open(encoding="utf-8") as listed:
        registered = list(csv.DictReader(listed))
    assert registered and {row["code"] for row in registered} <= codes
    assert all(row["registration"].startswith("PP") for row in registered)


@pytest.mark.parametrize(
    ("line", "field", "problem"),
    [
        (lga_line("2022-05-05", DOCKSIDE, ("HART", "Hal"), ("PP53", "Labour Party"), "12a", True), "VotesWon",
         "'12a' is not a whole number"),
        (lga_line("2022-05-05", DOCKSIDE, ("HART", "Hal"), ("PP53", "Labour Party"), 12, True).replace(
            ",ELECTED,", ",WON,"), "Elected", "'WON' is neither ELECTED nor NOT ELECTED"),
        (lga_line("5 May 2022", DOCKSIDE, ("HART", "Hal"), ("PP53", "Labour Party"), 12, True), "ElectionDate",
         "'5 May 2022' is not a date"),
        (lga_line("2022-05-05", ("", "Dockside"), ("HART", "Hal"), ("PP53", "Labour Party"), 12, True),
         "ElectoralAreaURI", "does not end in an ONS code"),
        (lga_line("2022-05-05", DOCKSIDE, ("HART", "Hal"), ("PP53", "Labour Party"), 12, True, cast=999),
         "VotesCast", "999 differs from line 2, which gives 1000"),
        (lga_line("2022-05-05", DOCKSIDE, ("HART", "Hal"), ("PP53", "Labour Party"), 12, True,
                  kind="DistrictAndBorugh"), "TypeofElection", "'DistrictAndBorugh' is not a type of election"),
    ],
)
def test_a_malformed_line_refuses_the_file_naming_its_line_and_field(
    known: Store, tmp_path: Path, line: str, field: str, problem: str
) -> None:
    path = lga_file(tmp_path, [ORDINARY[0], line, *ORDINARY[2:]])

    with pytest.raises(ResultsFileError) as refused:
        import_results(known, path)

    assert (refused.value.path, refused.value.line, refused.value.field) == (path, 3, field)
    assert problem in refused.value.problem
    assert scalar(known, "SELECT count(*) FROM candidacies") == 0


def test_a_council_no_file_gives_a_code_for_is_refused_with_how_to_fix(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ResultsFileError) as refused:
        import_results(store, lga_file(tmp_path, ORDINARY))

    assert refused.value.line == 2 and refused.value.field == "OrganisationLabel"
    assert "'Port Example Council'" in refused.value.problem and "name,," in refused.value.fix


def test_a_council_is_found_by_its_wards_codes_when_its_name_is_not_known(store: Store, tmp_path: Path) -> None:
    import_results(store, write(tmp_path / "leap-2018-05-03.csv", [
        '"Portside","E06000901","Dockside","E05000901","Zed Zane","Lab","10","1"']))
    import_results(store, lga_file(tmp_path, ORDINARY))

    assert seats_won(store, "local-2022-05-05", PORT) == {"LAB": 1, "CON": 1, "IND": 1}


WESTMINSTER = [
    lga_line("2019-12-12", ("E14000901", "East Example"), ("ABLE", "Ann"), ("PP53", "Labour Party"), 20000, True,
             kind="Parliamentary", body=(SEATS, "Westminster Parliamentary Constituency"), cast=35100,
             electorate=50000, turnout="70.2"),
    lga_line("2019-12-12", ("E14000901", "East Example"), ("BOLD", "Ben"), ("PP7931", "Reform UK"), 15000, False,
             kind="Parliamentary", body=(SEATS, "Westminster Parliamentary Constituency"), cast=35100,
             electorate=50000, turnout="70.2"),
]


def test_a_whole_seats_westminster_count_is_its_result(known: Store, tmp_path: Path) -> None:
    import_results(known, lga_file(tmp_path, ORDINARY + WESTMINSTER))

    assert rows(known, "SELECT election_id, ons_code, winner, party_code, second_party_code, majority, electorate, "
                       "valid_votes, invalid_votes FROM constituency_results") == [
        ("general-2019-12-12", "E14000901", "Ann Able", "LAB", "BRX", 5000, 50000, 35000, 3)]
    assert rows(known, "SELECT candidate, position, elected FROM constituency_candidacies ORDER BY position") == [
        ("Ann Able", 1, True), ("Ben Bold", 2, False)]
    assert scalar(known, "SELECT name FROM constituencies WHERE ons_code = 'E14000901'") == "East Example"


def test_a_seat_another_file_holds_is_left_to_it(known: Store, tmp_path: Path) -> None:
    national = write(tmp_path / "national.csv", [
        "constituency,general-2019-12-12,E14000901,East Example,Ann Able,Labour,,"],
        header="record,election,area_code,area_name,candidate,party,votes,dataset")
    import_results(known, national)

    import_results(known, lga_file(tmp_path, ORDINARY + WESTMINSTER))

    assert scalar(known, "SELECT source_file FROM constituency_results") == "national.csv"
    assert scalar(known, "SELECT count(*) FROM constituency_candidacies") == 0
    assert "fills gaps" in str(scalar(known, "SELECT reason FROM skipped_contests"))


def test_westminster_contests_that_are_not_a_whole_seat_fought_that_day_are_skipped_with_the_reason(
    known: Store, tmp_path: Path
) -> None:
    ward_part = [line.replace("E14000901", "E05000901").replace("East Example", "Dockside") for line in WESTMINSTER]
    old_code = [line.replace("2019-12-12", "2024-07-04") for line in WESTMINSTER]
    parish = [lga_line("2022-05-05", DOCKSIDE, ("PARR", "Pat"), ("", "Independent"), 40, True, kind="Parish")]
    county = [lga_line("2021-05-06", ("E58000901", "Dockside Division"), ("ROSS", "Ros"), ("PP53", "Labour Party"), 900,
                       True, kind="County", body=("http://example.org/county/exampleshire", "Exampleshire County"))]
    report = import_results(known, lga_file(tmp_path, ORDINARY + ward_part + old_code + parish + county))

    assert report.rows.get("constituency_results", 0) == 0
    assert scalar(known, "SELECT count(*) FROM candidacies") == len(ORDINARY)
    reasons = rows(known, "SELECT line, candidates, reason FROM skipped_contests ORDER BY line")
    assert [(line, count) for line, count, _ in reasons] == [(7, 2), (9, 2), (11, 1), (12, 1)]
    assert "part of a seat's count is not its result" in str(reasons[0][2])
    assert "not fought that day" in str(reasons[1][2])
    assert "Parish contest" in str(reasons[2][2])
    assert "a contest for Exampleshire County, not for the council that published the file" in str(reasons[3][2])


def test_importing_the_file_again_replaces_its_skipped_contests(known: Store, tmp_path: Path) -> None:
    parish = lga_line("2022-05-05", DOCKSIDE, ("PARR", "Pat"), ("", "Independent"), 40, True, kind="Parish")
    import_results(known, lga_file(tmp_path, [*ORDINARY, parish]))
    import_results(known, lga_file(tmp_path, ORDINARY))

    assert scalar(known, "SELECT count(*) FROM skipped_contests") == 0


@pytest.mark.parametrize(
    ("printed", "readable_name"),
    [("MCGRATH", "McGrath"), ("O'NEILL", "O'Neill"), ("O’SULLIVAN", "O’Sullivan"), ("CARTER-KANDOLA", "Carter-Kandola"),
     ("CAPUCHO PAULO", "Capucho Paulo"), ("MACDONALD", "Macdonald"), ("McKay", "McKay"), ("de Souza", "de Souza")],
)
def test_a_surname_printed_in_capitals_reads_in_ordinary_case(printed: str, readable_name: str) -> None:
    assert readable(printed) == readable_name


# ------------------------------------------------------------------------------------------- Trafford's own file

TRAFFORD = "E08000009"
# The parties of Trafford's elected councillors, by the labels its file prints (checked independently of the
# importer's registration list).
LABELS = {"Labour Party": "LAB", "Labour and Co-operative Party": "LAB", "Conservative Party": "CON",
          "Conservative and Unionist Party": "CON", "Local Conservatives": "CON", "Green Party": "GRN",
          "Liberal Democrats": "LD", "Reform UK": "REF", "Independent": "IND"}


@pytest.fixture(scope="module")
def trafford_csv(shared: Path) -> list[dict[str, str]]:
    """Trafford's file as plain rows."""
    with (shared / "data" / "trafford-council-results" / "trafford_council_election_results.csv").open(
            encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def trafford(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """LEAP 2018 (which gives Trafford its ONS code), then Trafford's own file."""
    data_dir = tmp_path_factory.mktemp("trafford")
    with Store.open(data_dir) as store:
        import_results(store, shared / "data" / "leap-2018" / "leap-2018-05-03.csv")
        import_results(store, shared / "data" / "trafford-council-results" / "trafford_council_election_results.csv")
    with Store.open(data_dir, read_only=True) as opened:
        yield opened


def elected(csv_rows: list[dict[str, str]], day: str) -> dict[str, int]:
    """Councillors elected at the borough elections of `day`, by party, counted from the file's lines."""
    return dict(Counter(LABELS[r["PoliticalPartyLabel"]] for r in csv_rows
                        if r["ElectionDate"] == day and r["TypeofElection"] == "DistrictAndBorough"
                        and r["Elected"] == "ELECTED"))


@pytest.mark.shared
def test_trafford_2018_and_2022_seats_won_are_the_files_own_counts(
    trafford: Store, trafford_csv: list[dict[str, str]]
) -> None:
    assert seats_won(trafford, "local-2018-05-03", TRAFFORD) == elected(trafford_csv, "2018-05-03") == {
        "LAB": 13, "CON": 7, "GRN": 2}
    assert seats_won(trafford, "local-2022-05-05", TRAFFORD) == elected(trafford_csv, "2022-05-05") == {
        "LAB": 15, "CON": 3, "GRN": 2, "LD": 2}
    for day in sorted({r["ElectionDate"] for r in trafford_csv if r["TypeofElection"] == "DistrictAndBorough"}):
        assert seats_won(trafford, f"local-{day}", TRAFFORD) == elected(trafford_csv, day), day


@pytest.mark.shared
def test_trafford_2018_agrees_with_leap(shared: Path, trafford_csv: list[dict[str, str]]) -> None:
    leap = {"C": "CON", "Lab": "LAB", "Grn": "GRN", "LD": "LD"}
    with (shared / "data" / "leap-2018" / "leap-2018-05-03.csv").open(encoding="utf-8", newline="") as handle:
        counted = Counter(leap[r[5]] for r in csv.reader(handle) if r[1] == TRAFFORD and r[7] == "1")
    assert dict(counted) == elected(trafford_csv, "2018-05-03")


@pytest.mark.shared
def test_trafford_by_elections_are_their_own_elections(trafford: Store, trafford_csv: list[dict[str, str]]) -> None:
    contests = {(r["ElectionDate"], r["ElectoralAreaURI"]) for r in trafford_csv
                if r["TypeofElection"] == "DistrictAndBoroughByElection"}
    days = sorted({day for day, _ in contests})

    assert len(contests) == 5
    assert rows(trafford, "SELECT date::VARCHAR FROM by_elections WHERE kind = 'local' ORDER BY 1") == [
        (day,) for day in days]
    assert scalar(trafford, "SELECT count(*) FROM ward_results WHERE election_id LIKE 'local-by-%'") == len(contests)
    winners = {(r["ElectionDate"], LABELS[r["PoliticalPartyLabel"]]) for r in trafford_csv
               if r["TypeofElection"] == "DistrictAndBoroughByElection" and r["Elected"] == "ELECTED"}
    assert set(rows(trafford, "SELECT right(election_id, 10), party_code FROM candidacies "
                              "WHERE election_id LIKE 'local-by-%' AND elected")) == winners
    assert not rows(trafford, "SELECT id FROM elections WHERE id LIKE '%-by-%'")


@pytest.mark.shared
def test_trafford_bowdon_2024_turnout_and_winner_are_the_files(
    trafford: Store, trafford_csv: list[dict[str, str]]
) -> None:
    lines = [r for r in trafford_csv if r["ElectionDate"] == "2024-05-02" and r["ElectoralAreaLabel"] == "Bowdon"]
    rejected = sum(int(r[name]) for r in lines[:1] for name in r if name.startswith("BallotsRejected"))
    winner = next(r for r in lines if r["Elected"] == "ELECTED")

    assert rows(trafford, "SELECT turnout, electorate, ballots_cast, rejected_ballots, total_votes FROM ward_results "
                          "WHERE election_id = 'local-2024-05-02' AND ward_name = 'Bowdon'") == [(
        float(lines[0]["PercentageTurnout"]), int(lines[0]["EligibleElectorate"]), int(lines[0]["VotesCast"]),
        rejected, sum(int(r["VotesWon"]) for r in lines))]
    assert rows(trafford, "SELECT candidate, votes FROM candidacies WHERE election_id = 'local-2024-05-02' "
                          "AND ward_name = 'Bowdon' AND elected") == [
        (f"{winner['CommonlyUsedForenames'] or winner['CandidateForenames']} {winner['CandidateSurname'].title()}",
         int(winner["VotesWon"]))]


@pytest.mark.shared
def test_trafford_westminster_rows_are_whole_seats_the_2024_ones_under_retired_codes(
    trafford: Store, trafford_csv: list[dict[str, str]]
) -> None:
    by = [r for r in trafford_csv if r["TypeofElection"] == "ParliamentaryByelection"]
    votes = sorted((int(r["VotesWon"]) for r in by), reverse=True)

    assert rows(trafford, "SELECT election_id, ons_code, winner, party_code, majority, electorate "
                          "FROM constituency_results WHERE election_id LIKE 'general-by-%'") == [
        ("general-by-2022-12-15", "E14000979", "Andrew Howard Western", "LAB", votes[0] - votes[1],
         int(by[0]["EligibleElectorate"]))]
    skipped = rows(trafford, "SELECT election_date::VARCHAR, area_code, candidates FROM skipped_contests")
    in_2024 = Counter((r["ElectionDate"], r["ElectoralAreaURI"].rsplit("/", 1)[-1]) for r in trafford_csv
                      if r["TypeofElection"] == "Parliamentary" and r["ElectionDate"] == "2024-07-04")

    assert sorted(skipped) == sorted((day, code, n) for (day, code), n in in_2024.items())
    assert {code for _, code, _ in skipped} == {"E14000532", "E14000979"}  # their pre-2024 seats' codes


@pytest.mark.shared
def test_every_line_of_traffords_file_is_stored_or_skipped_with_a_reason(
    trafford: Store, trafford_csv: list[dict[str, str]]
) -> None:
    stored = scalar(trafford, "SELECT (SELECT count(*) FROM candidacies WHERE ons_code = ?) + "
                              "(SELECT count(*) FROM constituency_candidacies)", TRAFFORD)
    skipped = scalar(trafford, "SELECT sum(candidates) FROM skipped_contests")

    assert stored + skipped == len(trafford_csv) == 1014  # type: ignore[operator]

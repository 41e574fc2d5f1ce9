"""The Commons Library's Scotland and Wales composition sheet (2017 and 2022): its one nationalist column read as
the SNP's in Scotland and Plaid Cymru's in Wales, control labels checked against the sheet's own seats, and each
council's change of control worked out against its own previous election.

The real-file figures checked are counted here from the CSV with the csv module."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.ask import Bot
from corpus.results import import_results
from corpus.results.errors import ResultsFileError
from corpus.store import Store
from tests.corpus.results.files import COMPOSITION_HEADER, write
from tests.helpers import PUBLIC_FILES, bot_over, results_store

SHEET = "hoc-local-elections-2022/council_composition_2017_2022_scotland_wales.csv"
ENGLAND = "hoc-local-elections-2022/council_composition_2018_2022_england.csv"
HEADER = (
    "ons_code,council_name,boundary_change,council_type,seats_up,region,"
    "con_2017,lab_2017,ld_2017,snp_pc_2017,others_2017,total_2017,control_2017,"
    "con_2022,lab_2022,ld_2022,snp_pc_2022,others_2022,vacant_2022,total_2022,control_2022,"
    "control_losses,control_gains,net_con,net_lab,net_ld,net_snp_pc,net_others"
)
LOCAL_2017, LOCAL_2022 = "local-2017-05-04", "local-2022-05-05"
STEMS = ("con", "lab", "ld", "snp_pc", "others")
# Today's answer, asked of a store of the public files without this sheet (before it was read).
NO_CHANGE_2018 = ("I have no council control before the elections of 3 May 2018, so I cannot say which councils "
                  "changed hands then.")


def sheet_line(code: str, name: str, held_2017: tuple[int, ...], control_2017: str, held_2022: tuple[int, ...],
               control_2022: str) -> str:
    """One council of the sheet: seats (con, lab, ld, snp_pc, others) after 2017 and 2022."""
    nation = "Scotland" if code.startswith("S") else "Wales"
    net = [str(after - was) for after, was in zip(held_2022, held_2017, strict=True)]
    return ",".join([code, name, "No", nation, "All", nation, *map(str, held_2017), str(sum(held_2017)),
                     control_2017, *map(str, held_2022), "", str(sum(held_2022)), control_2022, "No change",
                     "No change", *net])


def rows(store: Store, sql: str, *params: object) -> list[tuple[object, ...]]:
    return store.connection.execute(sql, list(params)).fetchall()


# ------------------------------------------------------------------ small files


def test_the_nationalist_column_is_the_snps_in_scotland_and_plaids_in_wales(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "sheet.csv", [
        sheet_line("S12000901", "Glen Example City", (5, 10, 2, 12, 3), "NOC", (4, 9, 2, 17, 0), "SNP/PC"),
        sheet_line("W06000901", "Port Cymru", (2, 8, 0, 14, 6), "NOC", (1, 7, 0, 17, 5), "SNP/PC"),
    ], header=HEADER)

    report = import_results(store, path)

    assert report.format == "hoc-council-composition-scotland-wales"
    assert rows(store, "SELECT ons_code, party_code, seats_held, net_change FROM council_composition "
                "WHERE election_id = ? AND party_code IN ('SNP', 'PC', 'NAT') ORDER BY 1", LOCAL_2022) == [
        ("S12000901", "SNP", 17, 5), ("W06000901", "PC", 17, 3)]
    assert rows(store, "SELECT ons_code, control, label_control FROM council_control WHERE election_id = ? "
                "ORDER BY 1", LOCAL_2022) == [("S12000901", "SNP", "SNP"), ("W06000901", "PC", "PC")]
    # Polling days of their own; every council unitary, its region left to the nation it is in.
    assert rows(store, "SELECT id FROM elections ORDER BY 1") == [(LOCAL_2017,), (LOCAL_2022,)]
    assert rows(store, "SELECT name, type, region, nation FROM authorities ORDER BY 1") == [
        ("Glen Example City", "Unitary", None, "Scotland"), ("Port Cymru", "Unitary", None, "Wales")]
    # "Glasgow City" is asked about as Glasgow.
    assert ("glen example", "S12000901") in rows(store, "SELECT alias, ons_code FROM authority_aliases")
    assert rows(store, "SELECT count(*) FROM data_issues") == [(0,)]


def test_a_label_its_own_seats_contradict_gives_way_to_them_and_is_kept(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "sheet.csv", [
        # Labour holds 55 of 79 but the label says CON (the Welsh rows' shifted labels).
        sheet_line("W06000902", "Caerexample", (20, 40, 11, 3, 1), "CON", (11, 55, 10, 2, 1), "CON"),
        # A label that is no party at all, where the Conservatives hold a majority.
        sheet_line("W06000903", "Monexample", (25, 10, 3, 0, 5), "0", (18, 22, 0, 0, 6), "NOC"),
        # Others hold most seats; the label names Plaid Cymru, which holds 2 of them.
        sheet_line("W06000904", "Pembrexample", (11, 7, 1, 6, 35), "SNP/PC", (11, 10, 2, 2, 35), "Others"),
        # Nobody has a majority: the label stands (Labour on half may still run it).
        sheet_line("S12000902", "Halfexample", (9, 9, 0, 0, 0), "NOC", (8, 9, 0, 1, 0), "LAB"),
    ], header=HEADER)

    import_results(store, path)

    assert rows(store, "SELECT ons_code, election_id, control, label_control, control_printed FROM council_control "
                "WHERE label_control IS DISTINCT FROM control ORDER BY 1, 2") == [
        ("W06000902", LOCAL_2017, "LAB", "CON", "CON"),
        ("W06000902", LOCAL_2022, "LAB", "CON", "CON"),
        ("W06000903", LOCAL_2017, "CON", None, "0"),
        ("W06000904", LOCAL_2017, "OTH", "PC", "SNP/PC"),
    ]
    assert rows(store, "SELECT control FROM council_control WHERE ons_code = 'S12000902' AND election_id = ?",
                LOCAL_2022) == [("LAB",)]
    # The composition's copy of control follows.
    assert rows(store, "SELECT DISTINCT control FROM council_composition WHERE ons_code = 'W06000902'") == [("LAB",)]
    issues = rows(store, "SELECT area_code, election_id, value_a, value_b, detail FROM data_issues "
                  "WHERE kind = 'control_vs_seats_held' ORDER BY 1, 2")
    assert [issue[:4] for issue in issues] == [
        ("S12000902", LOCAL_2022, "LAB", "9 of 18"),
        ("W06000902", LOCAL_2017, "CON", "LAB 40 of 75"),
        ("W06000902", LOCAL_2022, "CON", "LAB 55 of 79"),
        ("W06000903", LOCAL_2017, "0", "CON 25 of 43"),
        ("W06000904", LOCAL_2017, "SNP/PC", "OTH 35 of 60"),
    ]
    assert "the control label is 'CON', but LAB holds 55 of 79 seats: control is taken from the seats" in issues[2][4]


def test_any_files_control_is_checked_against_its_own_seats(store: Store, tmp_path: Path) -> None:
    # A canonical file's control lines with its seats held: the same check, whatever the format.
    path = write(tmp_path / "canonical.csv", [
        "control,local-2022-05-05,E06000901,Port Example,,57,NOC",
        "seats_held,local-2022-05-05,E06000901,Port Example,Lab,30,",
        "seats_held,local-2022-05-05,E06000901,Port Example,Con,27,",
    ], header="record,election,area_code,area_name,party,seats,control")

    import_results(store, path)

    assert rows(store, "SELECT control, label_control, control_printed FROM council_control") == [
        ("LAB", "NOC", "NOC")]


def test_an_english_code_in_the_scotland_and_wales_sheet_is_refused_at_its_line(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "sheet.csv", [
        sheet_line("S12000901", "Glen Example City", (5, 10, 2, 12, 3), "NOC", (4, 9, 2, 16, 1), "NOC"),
        sheet_line("E06000901", "Port Example", (2, 8, 0, 14, 6), "NOC", (1, 7, 0, 17, 5), "NOC"),
    ], header=HEADER)

    with pytest.raises(ResultsFileError) as raised:
        import_results(store, path)

    assert (raised.value.line, raised.value.field) == (3, "ons_code")


@pytest.mark.parametrize(("header", "says", "not_said"), [
    # The English sheet for other years: never told to rename its columns to 2018's and 2022's.
    (COMPOSITION_HEADER.replace("2018", "2019").replace("2022", "2023"),
     "looks like hoc-council-composition (Local elections 2022 (CBP-9545): council composition and control) but "
     "holds 2019 and 2023, where that format holds 2018 and 2022", "con_2018"),
    (HEADER.replace("others", "oth"), "looks like hoc-council-composition-scotland-wales (Local elections 2022 "
     "(CBP-9545): council composition and control, Scotland and Wales) but has missing 'others_2017', "
     "'others_2022', 'net_others'; unexpected 'oth_2017', 'oth_2022', 'net_oth'", "con_2018"),
])
def test_a_near_miss_header_names_the_nearest_format_what_differs_and_the_canonical_format(
        store: Store, tmp_path: Path, header: str, says: str, not_said: str) -> None:
    path = write(tmp_path / "near.csv", ["1"], header=header)

    with pytest.raises(ResultsFileError) as raised:
        import_results(store, path)

    message = str(raised.value)
    assert raised.value.line == 1 and says in message and not_said not in message
    assert 'the canonical format (corpus/results/FORMAT.md, "The canonical format")' in message


# ------------------------------------------------------------------ the real sheet


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def seats_control(row: dict[str, str], year: int) -> tuple[str | None, str | None]:
    """(control by the seats, the label's reading) for one council and year, by the rule FORMAT.md states."""
    nationalist = "SNP" if row["ons_code"].startswith("S") else "PC"
    codes = {"con": "CON", "lab": "LAB", "ld": "LD", "snp_pc": nationalist, "others": "OTH"}
    labels = {"CON": "CON", "LAB": "LAB", "LD": "LD", "NOC": "NOC", "SNP/PC": nationalist, "Others": "OTH"}
    label = labels.get(row[f"control_{year}"])
    seats = {codes[stem]: int(row[f"{stem}_{year}"]) for stem in STEMS}
    majority = [party for party, held in seats.items() if 2 * held > int(row[f"total_{year}"])]
    if majority and majority[0] != label and (majority[0] != "OTH" or label is None or label in seats):
        return majority[0], label
    return label, label


@pytest.fixture(scope="module")
def sheet(shared: Path) -> list[dict[str, str]]:
    return read_rows(shared / "data" / SHEET)


@pytest.fixture(scope="module")
def data_dir(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every public results file and the Scotland and Wales sheet, in one store."""
    files = dict.fromkeys([*PUBLIC_FILES, SHEET])
    return results_store(tmp_path_factory.mktemp("scotland-wales"), [shared / "data" / name for name in files])


@pytest.fixture(scope="module")
def bot(data_dir: Path) -> Iterator[Bot]:
    yield from bot_over(data_dir)


def test_the_real_sheets_seats_are_the_files_own(bot: Bot, sheet: list[dict[str, str]]) -> None:
    run = bot.store.connection.execute
    glasgow = next(row for row in sheet if row["council_name"] == "Glasgow City")
    gwynedd = next(row for row in sheet if row["council_name"] == "Gwynedd")
    held = "SELECT seats_held FROM council_composition WHERE election_id = ? AND ons_code = ? AND party_code = ?"
    assert run(held, [LOCAL_2022, glasgow["ons_code"], "SNP"]).fetchone() == (int(glasgow["snp_pc_2022"]),)
    assert run(held, [LOCAL_2017, gwynedd["ons_code"], "PC"]).fetchone() == (int(gwynedd["snp_pc_2017"]),)
    nationalists = sum(int(row["snp_pc_2022"]) for row in sheet)
    by_party = dict(run("SELECT party_code, sum(seats_held) FROM council_composition WHERE election_id = ? "
                        "AND (ons_code LIKE 'S%' OR ons_code LIKE 'W%') AND party_code IN ('SNP', 'PC') GROUP BY 1",
                        [LOCAL_2022]).fetchall())
    assert by_party["SNP"] + by_party["PC"] == nationalists
    assert by_party["SNP"] == sum(int(row["snp_pc_2022"]) for row in sheet if row["ons_code"].startswith("S"))


def test_every_label_the_seats_contradict_is_found(bot: Bot, sheet: list[dict[str, str]]) -> None:
    expected = sorted((row["ons_code"], LOCAL_2017 if year == 2017 else LOCAL_2022, control)
                      for row in sheet for year in (2017, 2022)
                      for control, label in [seats_control(row, year)] if control != label)
    found = bot.store.connection.execute(
        "SELECT ons_code, election_id, control FROM council_control WHERE label_control IS DISTINCT FROM control "
        "ORDER BY ALL").fetchall()
    assert found == expected and len(found) == 25  # all Welsh: Cardiff, Swansea, Gwynedd ... in one or both years
    assert all(code.startswith("W") for code, _, _ in found)
    issues = bot.store.connection.execute(
        "SELECT count(*) FROM data_issues WHERE kind = 'control_vs_seats_held' AND source_a = ?",
        [Path(SHEET).name]).fetchone()
    assert issues == (len(expected),)


def test_glasgow_and_cardiff_answer_from_the_seats(bot: Bot, sheet: list[dict[str, str]]) -> None:
    assert "no party had overall control of Glasgow City" in bot.answer("Who controls Glasgow?").text
    glasgow = next(row for row in sheet if row["council_name"] == "Glasgow City")
    text = bot.answer("How many seats did the SNP hold on Glasgow council after 2022?").text
    assert f"the SNP held {glasgow['snp_pc_2022']} of the {glasgow['total_2022']} seats on Glasgow City council" in text
    cardiff = next(row for row in sheet if row["council_name"] == "Cardiff")
    text = bot.answer("Who controls Cardiff?").text
    assert f"Labour controlled Cardiff with {cardiff['lab_2022']} of the {cardiff['total_2022']} seats" in text
    assert ("The source's control label says the Conservatives (\"CON\"), which its own seat counts do not bear "
            "out: this answer goes by the seats.") in text
    assert "control label" not in bot.answer("Who controls Dundee?").text  # a label the seats bear out: no note


def test_2018_changes_are_still_against_nothing_earlier(bot: Bot) -> None:
    # 2017 is now the latest local election before 2018, but no council that voted in 2018 voted then.
    answer = bot.answer("Which councils changed control in 2018?")
    assert (answer.outcome, answer.text) == ("no_data", NO_CHANGE_2018)


def test_2022_changes_compare_each_council_with_its_own_previous_election(
        bot: Bot, shared: Path, sheet: list[dict[str, str]]) -> None:
    england = [row for row in read_rows(shared / "data" / ENGLAND) if row["control_2018"] not in ("", "-")]
    english = sum(row["control_2018"] != row["control_2022"] for row in england)
    welsh = [row for row in sheet if row["ons_code"].startswith("W")
             and seats_control(row, 2017)[0] != seats_control(row, 2022)[0]]
    scottish = [row for row in sheet if row["ons_code"].startswith("S")
                and seats_control(row, 2017)[0] != seats_control(row, 2022)[0]]
    text = bot.answer("Which councils changed control in 2022?").text
    assert text.startswith(f"{english + len(welsh) + len(scottish)} councils changed control at the elections of "
                           "5 May 2022, compared with each council's previous election (4 May 2017 or 3 May 2018):")
    assert "Dundee City (No overall control to Scottish National Party)" in text
    text = bot.answer("Which councils in Wales changed control in 2022?").text
    assert text.startswith(f"{len(welsh)} councils in Wales changed control at the elections of 5 May 2022 "
                           "(control after 4 May 2017 vs after 5 May 2022)")
    assert "(For Blaenau Gwent, Bridgend," in text and "the source's control label says otherwise" in text
    text = bot.answer("Which councils in England changed control in 2022?").text  # as before the sheet was read
    assert text.startswith(f"{english} councils in England changed control at the elections of 5 May 2022 "
                           "(control after 3 May 2018 vs after 5 May 2022)")
    assert "source's control label" not in text

"""The 2024 general election (Commons Library CBP-10009), fought on new boundaries: imported beside 2017 and
2019, its seats never paired with the 2019 seats of the same name, its gains read from the Library's labels.

The figures checked are counted here from the CSV files themselves, with the csv module."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.ask import Bot
from tests.helpers import PUBLIC_FILES, bot_over, results_store

pytestmark = pytest.mark.shared

GE2024 = ("hoc-general-elections/HoC-GE2024-results-by-constituency.csv",
          "hoc-general-elections/HoC-GE2024-results-by-candidate.csv")
ELECTION = "general-2024-07-04"


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def seats_2024(shared: Path) -> list[dict[str, str]]:
    return read_rows(shared / "data" / GE2024[0])


@pytest.fixture(scope="module")
def data_dir(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every public results file and the two 2024 files, in one store."""
    return results_store(tmp_path_factory.mktemp("ge2024"), [shared / "data" / n for n in (*PUBLIC_FILES, *GE2024)])


@pytest.fixture(scope="module")
def bot(data_dir: Path) -> Iterator[Bot]:
    yield from bot_over(data_dir)


def test_seats_and_members_are_the_files_own(bot: Bot, seats_2024: list[dict[str, str]]) -> None:
    run = bot.store.connection.execute
    won = dict(run("SELECT party_code, seats FROM national_results WHERE election_id = ? AND seats > 0",
                   [ELECTION]).fetchall())
    printed = Counter(row["First party"] for row in seats_2024)
    assert sum(won.values()) == len(seats_2024) == 650
    # The file's abbreviations, as parties.csv maps them: RUK is Reform UK, Spk the Speaker.
    assert won["LAB"] == printed["Lab"] and won["CON"] == printed["Con"] and won["LD"] == printed["LD"]
    assert won["REF"] == printed["RUK"] and won["SPK"] == printed["Spk"] == 1
    genders = dict(run("SELECT winner_gender, count(*) FROM constituency_results WHERE election_id = ? GROUP BY 1",
                       [ELECTION]).fetchall())
    spelt = Counter(row["Member gender"] for row in seats_2024)
    assert genders == {"F": spelt["Female"], "M": spelt["Male"]}


def test_each_candidate_is_placed_and_the_top_vote_is_the_member(bot: Bot, shared: Path,
                                                                 seats_2024: list[dict[str, str]]) -> None:
    candidates = read_rows(shared / "data" / GE2024[1])
    run = bot.store.connection.execute
    assert run("SELECT count(*) FROM constituency_candidacies WHERE election_id = ?",
               [ELECTION]).fetchone() == (len(candidates),)
    top: dict[str, dict[str, str]] = {}
    for row in candidates:
        if row["ONS ID"] not in top or int(row["Votes"]) > int(top[row["ONS ID"]]["Votes"]):
            top[row["ONS ID"]] = row
    members = {row["ONS ID"]: row["Member surname"] for row in seats_2024}
    assert all(top[code]["Candidate surname"] == surname for code, surname in members.items())
    elected = dict(run("SELECT ons_code, candidate FROM constituency_candidacies WHERE election_id = ? AND elected",
                       [ELECTION]).fetchall())
    assert len(elected) == 650 and elected["E14001172"].endswith(top["E14001172"]["Candidate surname"])


def test_reform_seats_clacton_and_the_speakers_seat(bot: Bot, seats_2024: list[dict[str, str]]) -> None:
    reform = sum(row["First party"] == "RUK" for row in seats_2024)
    assert f"Reform UK won {reform} of the 650 seats" in bot.answer("How many seats did Reform win in 2024?").text
    clacton = next(row for row in seats_2024 if row["Constituency name"] == "Clacton")
    text = bot.answer("Who won Clacton?").text  # two Clactons, one name: the latest is asked of
    assert f"{clacton['Member first name']} {clacton['Member surname']} (Reform UK) won Clacton on 4 July 2024" in text
    assert f"{int(clacton['Majority']):,}" in text
    chorley = next(row for row in seats_2024 if row["Constituency name"] == "Chorley")
    text = bot.answer("What was Labour's majority in Chorley?").text  # a constituency's, not the council's
    assert text.startswith("Labour did not win Chorley on 4 July 2024, so had no majority there")
    assert "Lindsay Hoyle (Speaker)" in text and f"{int(chorley['Majority']):,}" in text


def test_a_year_asks_of_the_seat_fought_that_year(bot: Bot, shared: Path) -> None:
    rows_2019 = read_rows(shared / "data" / "hoc-general-elections/HoC-GE2019-results-by-constituency.csv")
    old = next(row for row in rows_2019 if row["Constituency name"] == "Clacton")
    text = bot.answer("Who won Clacton in 2019?").text
    assert f"{old['Member surname']} (Conservative) won Clacton on 12 December 2019" in text
    assert f"{int(old['Majority']):,}" in text


def test_a_redrawn_seat_is_not_compared_with_its_namesake(bot: Bot) -> None:
    text = bot.answer("How did Labour's vote change in Hartlepool constituency between 2019 and 2024?").text
    assert "12 December 2019" in text and "4 July 2024" in text
    assert "two different seats of one name, so no change is worked out" in text
    assert "change of" not in text
    same_boundaries = bot.answer("Labour votes in Hartlepool constituency in 2017 and 2019").text
    assert "From 2017 to 2019 that is a change of" in same_boundaries


def test_gains_come_from_the_librarys_labels_against_notional_results(
        bot: Bot, seats_2024: list[dict[str, str]]) -> None:
    labelled = Counter(row["Result"].split(" gain from ")[1] for row in seats_2024 if " gain from " in row["Result"])
    text = bot.answer("How many seats did the Conservatives lose in 2024?").text  # a net change of totals
    assert "net change of -244" in text
    text = bot.answer("Which seats did the Conservatives lose in 2024?").text
    assert f"The Conservatives lost {labelled['Con']} seats" in text and "notional result" in text
    text = bot.answer("Which seats did Labour take from the SNP in 2024?").text
    from_snp = sum(row["Result"] == "Lab gain from SNP" for row in seats_2024)
    assert f"Labour took {from_snp} seats from the SNP" in text
    reform = sorted(row["Constituency name"] for row in seats_2024 if row["Result"].startswith("RUK gain"))
    text = bot.answer("Which seats did Reform gain in 2024?").text
    assert all(f"{name} (Conservative to Reform UK)" in text for name in reform)
    assert f"{sum(labelled.values())} seats changed hands" in bot.answer("How many seats changed hands in 2024?").text


def test_2019_changes_still_join_the_same_seats(bot: Bot) -> None:
    text = bot.answer("How many seats changed hands in 2019?").text
    assert "compared with 8 June 2017:" in text and "notional" not in text

"""Councillors in Great Britain by party, 1973-2022 (Commons Library): imported by year, checked against the
file's own totals, and answered with the SNP and Plaid Cymru said to be one figure."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.ask import Bot
from corpus.results import import_results
from corpus.results.errors import ResultsFileError
from corpus.store import Store

HEADER = "year,con,lab,ld,snp_pc,other,total\n"
FILE = "hoc-local-elections-2022/councillor_party_affiliation_1973_2022.csv"


def write(folder: Path, body: str, name: str = "councillors.csv") -> Path:
    path = folder / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_a_year_marked_dash_throughout_has_no_rows(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "2019,10,20,5,1,4,40\n2020,-,-,-,-,-,-\n2021,11,19,6,1,3,40\n")
    report = import_results(store, path)
    assert report.format == "hoc-councillors-by-party" and report.rows["national_councillors"] == 10
    rows = store.connection.execute("SELECT year, party_code, councillors, total FROM national_councillors "
                                    "WHERE party_code IN ('NAT', 'OTH') ORDER BY year, party_code").fetchall()
    assert rows == [(2019, "NAT", 1, 40), (2019, "OTH", 4, 40), (2021, "NAT", 1, 40), (2021, "OTH", 3, 40)]


def test_a_total_the_parties_do_not_add_up_to_is_refused_at_its_line(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "2019,10,20,5,1,4,40\n2021,11,19,6,1,3,41\n")
    with pytest.raises(ResultsFileError) as raised:
        import_results(store, path)
    assert raised.value.line == 3 and raised.value.field == "total" and "41" in str(raised.value)
    assert store.connection.execute("SELECT count(*) FROM national_councillors").fetchone() == (0,)


def test_a_year_given_twice_is_refused(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "2019,10,20,5,1,4,40\n2019,11,19,6,1,3,40\n")
    with pytest.raises(ResultsFileError, match="year"):
        import_results(store, path)


@pytest.fixture(scope="module")
def counted(shared: Path) -> dict[int, dict[str, str]]:
    """The real file's rows by year, read with the csv module."""
    with (shared / "data" / FILE).open(encoding="utf-8-sig", newline="") as handle:
        return {int(row["year"]): row for row in csv.DictReader(handle) if row["total"] != "-"}


@pytest.fixture(scope="module")
def bot(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    folder = tmp_path_factory.mktemp("councillors")
    with Store.open(folder) as store:
        import_results(store, shared / "data" / FILE)
    opened = Bot.open(folder)
    yield opened
    opened.close()


@pytest.mark.shared
def test_the_real_file_holds_every_year_it_counts(bot: Bot, counted: dict[int, dict[str, str]]) -> None:
    run = bot.store.connection.execute
    assert run("SELECT count(DISTINCT year) FROM national_councillors").fetchone() == (len(counted),)
    assert run("SELECT councillors, total FROM national_councillors WHERE year = 2005 AND party_code = 'LD'"
               ).fetchone() == (int(counted[2005]["ld"]), int(counted[2005]["total"]))


@pytest.mark.shared
def test_a_party_in_a_year(bot: Bot, counted: dict[int, dict[str, str]]) -> None:
    year = counted[2005]
    text = bot.answer("How many Lib Dem councillors were there in 2005?").text
    assert f"{int(year['ld']):,} of the {int(year['total']):,} councillors in Great Britain in 2005" in text
    text = bot.answer("how many snp councillors in 2010").text
    assert "counts the SNP's and Plaid Cymru's councillors as one figure" in text
    assert f"{int(counted[2010]['snp_pc']):,}" in text
    text = bot.answer("How many Green councillors were there in 2022?").text
    assert "does not name the Greens" in text and f"{int(counted[2022]['other']):,}" in text


@pytest.mark.shared
def test_when_one_party_last_had_more_than_another(bot: Bot, counted: dict[int, dict[str, str]]) -> None:
    last = max(y for y, row in counted.items() if int(row["lab"]) > int(row["con"]))
    text = bot.answer("When did Labour last have more councillors than the Tories?").text
    assert f"last had more councillors in Great Britain than the Conservatives in {last}" in text
    assert f"{int(counted[last]['lab']):,} to {int(counted[last]['con']):,}" in text
    text = bot.answer("When did the Conservatives last have more councillors than Labour?").text
    assert f"in {max(counted)}, the latest year counted" in text


@pytest.mark.shared
def test_a_year_the_count_does_not_hold_is_said_as_such(bot: Bot, counted: dict[int, dict[str, str]]) -> None:
    missing = [y for y in range(min(counted), max(counted) + 1) if y not in counted]
    answer = bot.answer("How many councillors were there in 2020?")
    assert answer.outcome == "no_data"
    assert f"runs from {min(counted)} to {max(counted)}" in answer.text
    assert " and ".join(map(str, missing)) in answer.text

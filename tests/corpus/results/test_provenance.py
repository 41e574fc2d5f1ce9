"""Every imported file records the dataset it is, and every factual answer credits it: built in for the formats
hustings knows, from a sidecar beside a canonical file (or any file whose copy a newsroom dates itself)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.ask import Bot
from corpus.catalogue import catalogue
from corpus.results import import_results
from corpus.results.errors import ResultsFileError
from corpus.results.provenance import sidecar_of
from corpus.store import Store
from tests.corpus.results.files import COMPOSITION_HEADER, PORT, composition_line, write

CANONICAL = (
    "record,election,area_code,area_name,party,party_name,seats,control,dataset\n"
    f"control,local-2026-05-07,{PORT},Portown,,,40,LAB,\n"
    f"seats_held,local-2026-05-07,{PORT},Portown,LAB,Labour,25,,\n"
    f"seats_held,local-2026-05-07,{PORT},Portown,CON,Conservative,15,,\n"
)
SIDECAR = """title: Borough elections, 7 May 2026
publisher: Portown Borough Council
licence: Open Government Licence v3.0
url: https://portown.example/elections
retrieved: 2026-05-08
"""


def canonical_file(folder: Path, sidecar: str | None = SIDECAR) -> Path:
    path = folder / "portown-2026.csv"
    path.write_text(CANONICAL, encoding="utf-8")
    if sidecar is not None:
        sidecar_of(path).write_text(sidecar, encoding="utf-8")
    return path


def test_a_sidecar_names_the_dataset_and_every_answer_credits_it(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with Store.open(data_dir) as store:
        import_results(store, canonical_file(tmp_path))
        (entry,), _ = catalogue(store.connection)
    assert (entry.title, entry.publisher, entry.licence, entry.url, entry.retrieved, entry.rows) == (
        "Borough elections, 7 May 2026", "Portown Borough Council", "Open Government Licence v3.0",
        "https://portown.example/elections", date(2026, 5, 8), 3)
    bot = Bot.open(data_dir)
    try:
        answer = bot.answer("Who controls Portown?")
    finally:
        bot.close()
    assert "Labour controlled Portown with 25 of the 40 seats" in answer.text
    assert ("Source: Portown Borough Council, Borough elections, 7 May 2026, Open Government Licence v3.0, as "
            "loaded at") in answer.text
    assert [(d.title, d.publisher, d.url) for d in answer.datasets] == [
        ("Borough elections, 7 May 2026", "Portown Borough Council", "https://portown.example/elections")]


def test_a_known_format_is_its_publishers_dataset_dated_by_the_file(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "council_composition_2018_2022_england.csv",
                 [composition_line(PORT, "Portown", (10, 20, 0, 0, 0), "LAB", (9, 21, 0, 0, 0), "LAB")],
                 COMPOSITION_HEADER)
    import_results(store, path)
    (entry,), _ = catalogue(store.connection)
    assert entry.publisher == "House of Commons Library" and entry.licence == "Open Parliament Licence v3.0"
    assert entry.title.startswith("Local elections 2022") and entry.url and "cbp-9545" in entry.url
    assert entry.retrieved == date.fromtimestamp(path.stat().st_mtime)


def test_a_canonical_file_without_a_sidecar_is_known_by_its_name(store: Store, tmp_path: Path) -> None:
    import_results(store, canonical_file(tmp_path, sidecar=None))
    (entry,), _ = catalogue(store.connection)
    assert entry.title == "portown-2026.csv" and entry.publisher is None


@pytest.mark.parametrize(("sidecar", "field", "says"), [
    ("title: Borough elections\n", "publisher", "gives no publisher"),
    (SIDECAR + "editor: someone\n", "editor", "fields hustings does not know: editor"),
    (SIDECAR.replace("2026-05-08", "8th May"), "retrieved", "not a date like 2026-05-08"),
])
def test_a_sidecar_that_cannot_be_used_names_its_field_and_nothing_is_imported(
        store: Store, tmp_path: Path, sidecar: str, field: str, says: str) -> None:
    path = canonical_file(tmp_path, sidecar)
    with pytest.raises(ResultsFileError) as raised:
        import_results(store, path)
    assert raised.value.path == sidecar_of(path) and raised.value.field == field and says in str(raised.value)
    assert store.connection.execute("SELECT count(*) FROM sources").fetchone() == (0,)
    assert store.connection.execute("SELECT count(*) FROM council_control").fetchone() == (0,)


def test_a_sidecar_that_is_not_yaml_names_its_line(store: Store, tmp_path: Path) -> None:
    path = canonical_file(tmp_path, "title: [unclosed\npublisher: x\n")
    with pytest.raises(ResultsFileError, match="not YAML") as raised:
        import_results(store, path)
    assert raised.value.line is not None

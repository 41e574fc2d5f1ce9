"""Formats are told apart by their header (LEAP by its shape), and the party seed is unambiguous."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from corpus.results import FORMATS, detect_format, normalise_name
from tests.corpus.results.files import (
    CANDIDATES_HEADER,
    COMPOSITION_HEADER,
    GE2017_HEADER,
    GE2019_HEADER,
    GE_CANDIDATES_HEADER,
    OCD_HEADER,
    PARLIAMENT_HEADER,
    PORT,
    leap_line,
    write,
)

PARTIES_CSV = Path(__file__).resolve().parents[3] / "corpus" / "results" / "parties.csv"


@pytest.mark.parametrize(
    ("header", "format_id"),
    [
        (COMPOSITION_HEADER, "hoc-council-composition"),
        (CANDIDATES_HEADER, "hoc-local-candidates"),
        (OCD_HEADER, "opencouncildata-history"),
        (GE2017_HEADER, "hoc-ge2017-constituencies"),
        (GE2019_HEADER, "hoc-ge2019-constituencies"),
        (GE_CANDIDATES_HEADER, "hoc-ge2019-candidates"),
        (PARLIAMENT_HEADER, "parliament-candidates"),
        ("election,record,party,seats", "canonical"),
    ],
)
def test_each_format_is_known_by_its_header(tmp_path: Path, header: str, format_id: str) -> None:
    path = write(tmp_path / "results.csv", [], header=header)

    assert detect_format(path).id == format_id


def test_a_headerless_leap_file_is_known_by_its_shape(tmp_path: Path) -> None:
    path = write(tmp_path / "leap-2018-05-03.csv", [leap_line("Port Example", PORT, "W", "E05000901", "A", "C", 1, 1)])

    assert detect_format(path).id == "leap"


def test_a_byte_order_mark_does_not_hide_the_header(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + OCD_HEADER.encode() + b"\n")

    assert detect_format(path).id == "opencouncildata-history"


def test_format_ids_are_unique() -> None:
    ids = [fmt.id for fmt in FORMATS]

    assert len(ids) == len(set(ids))


def test_no_seeded_party_spelling_names_two_parties() -> None:
    seen: dict[str, str] = {}
    with PARTIES_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for spelling in [row["code"], row["name"], *filter(None, (row["aliases"] or "").split("|"))]:
                alias = normalise_name(spelling)
                assert seen.setdefault(alias, row["code"]) == row["code"], f"{spelling!r}: {seen[alias]}, {row['code']}"

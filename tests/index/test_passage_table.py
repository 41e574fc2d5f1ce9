from __future__ import annotations

from pathlib import Path

import pytest

from corpus.records import Passage
from index.passage_table import TEXTS_FILE, PassageTable, write_passage_table

PASSAGES = [
    Passage("b-article", 0, 0, 27, "Ynys Môn voted on a Thursday."),
    Passage("a-article", 0, 0, 22, "Labour held Hull — just."),
    Passage("a-article", 1, 20, 48, "The count ran until 4am 😴."),
]


def test_a_saved_table_gives_back_every_passage_by_position(tmp_path: Path) -> None:
    write_passage_table(tmp_path, PASSAGES)
    table = PassageTable.load(tmp_path)
    assert len(table) == 3
    assert [table.passage(n) for n in range(3)] == PASSAGES


def test_an_empty_table_saves_and_loads(tmp_path: Path) -> None:
    write_passage_table(tmp_path, [])
    assert len(PassageTable.load(tmp_path)) == 0


def test_a_truncated_text_file_is_refused_on_load(tmp_path: Path) -> None:
    write_passage_table(tmp_path, PASSAGES)
    texts = tmp_path / TEXTS_FILE
    texts.write_bytes(texts.read_bytes()[:-3])
    with pytest.raises(ValueError, match=TEXTS_FILE):
        PassageTable.load(tmp_path)


def test_an_article_s_positions_come_in_order_wherever_its_passages_lie(tmp_path: Path) -> None:
    interleaved = [*PASSAGES, Passage("b-article", 1, 28, 40, "Turnout fell."), Passage("c-article", 0, 0, 5, "Hull.")]
    write_passage_table(tmp_path, interleaved)
    table = PassageTable.load(tmp_path)
    assert table.positions_of("a-article").tolist() == [1, 2]
    assert table.positions_of("b-article").tolist() == [0, 3]
    assert table.positions_of("c-article").tolist() == [4]
    assert table.positions_of("no-such-article").tolist() == []

"""What the command line prints for a person: rows as a table, citations with their outlet, ingest notes summarised."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console

from api.terminal import citation_line, fit_widths, note_kind, problem_lines, rows_table
from bot.answer import Citation
from corpus.records import ReadProblem


def rendered(rows: list[dict[str, Any]], width: int = 100) -> list[str]:
    console = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(rows_table(rows, width=width))
    return [line.rstrip() for line in console.export_text().splitlines()]


def test_rows_print_with_readable_headings_thousands_separators_and_numbers_right_aligned() -> None:
    rows = [{"party": "Labour", "votes": 16116, "vote_share_percent": 40.7, "year": 2022, "elected": True,
             "ons_code": "E06000010", "source_file": "candidates.csv"},
            {"party": "Green Party", "votes": 900, "vote_share_percent": 2.3, "year": 2022, "elected": False,
             "ons_code": None, "source_file": "candidates.csv"}]
    lines = rendered(rows)
    header, first, second = lines[0], lines[2], lines[3]
    assert header.split() == ["party", "votes", "vote", "share", "%", "year", "elected", "ONS", "code"]
    assert first.split() == ["Labour", "16,116", "40.7", "2022", "yes", "E06000010"]  # a year has no separator
    assert second.split() == ["Green", "Party", "900", "2.3", "2022", "no", "–"]
    assert first.index("16,116") + len("16,116") == second.index("900") + len("900")  # right-aligned
    assert lines[-1] == "rows from candidates.csv"  # the one file every row came from, said once
    assert "source file" not in header


def test_one_row_prints_as_field_and_value() -> None:
    lines = [line.strip() for line in rendered([{"party": "Labour", "seats_won": 31, "seats_contested": 57}])]
    assert "party             Labour" in lines and "seats won         31" in lines and "seats contested   57" in lines


def test_a_long_table_is_shortened_and_says_so() -> None:
    rows = [{"ward": f"Ward {n}", "votes": 1000 + n} for n in range(40)]
    lines = rendered(rows)
    assert lines[-1] == "first 25 of 40 rows"
    assert any("Ward 24" in line for line in lines) and not any("Ward 25" in line for line in lines)


def test_a_table_too_wide_for_the_terminal_wraps_between_words_never_inside_one() -> None:
    rows = [{"council": "Winchester", "ons_code": "E07000094", "control_before": "Conservative",
             "control_after": "Liberal Democrats", "relabelled": False, "before_days": "3 May 2018", "before_count": 1}
            for _ in range(3)]
    text = "\n".join(rendered(rows, width=80))
    for word in ("Winchester", "E07000094", "Conservative", "Democrats", "relabelled"):
        assert word in text
    assert all(len(line) <= 80 for line in text.splitlines())
    widths = fit_widths([["a b", "abcdef"], ["xyz wvu"]], room=10)
    assert widths is not None and widths[0] >= 6 and widths[1] >= 3 and sum(widths) <= 10


def test_citation_names_its_outlet_date_and_address_or_else_where_its_characters_are() -> None:
    linked = Citation(1, "a1", "Hull turns yellow", date(2022, 5, 6), "a1#0", 10, 90, "…", 0.8,
                      source="Hull Daily Mail", url="https://example.org/hull")
    assert citation_line(linked) == "[1] Hull turns yellow · Hull Daily Mail · 6 May 2022 · https://example.org/hull"
    bare = Citation(2, "a2", "Untitled", None, "a2#3", 5, 50, "…", 0.5)
    assert citation_line(bare) == "[2] Untitled · undated · article a2, characters 5-50"


def test_notes_of_one_kind_are_one_line_and_lost_files_are_each_named_up_to_fifty() -> None:
    copies = [ReadProblem(Path(f"in/copy-{n}.txt"), "the same article as 'copy-0' (/in/copy-0.txt): not stored twice",
                          skipped=False) for n in range(1, 100)]
    renamed = [ReadProblem(Path("b/x.txt"), "id 'x' is another file's; stored as 'b-x'", skipped=False)]
    empty = [ReadProblem(Path(f"in/empty-{n}.txt"), "empty file, skipped") for n in range(60)]
    lines = problem_lines([*empty[:30], *copies, *renamed, *empty[30:]])
    assert lines[:50] == [(f"in/empty-{n}.txt: empty file, skipped", True) for n in range(50)]
    assert lines[50:] == [
        ("10 × empty file, skipped — in/empty-50.txt, in/empty-51.txt, in/empty-52.txt … and 7 more", True),
        ("99 × the same article as …: not stored twice — in/copy-1.txt, in/copy-2.txt, in/copy-3.txt … and 96 more",
         False),
        ("b/x.txt: id 'x' is another file's; stored as 'b-x'", False),  # alone: said in full
    ]


def test_a_notes_kind_leaves_out_names_paths_and_numbers_but_keeps_its_words() -> None:
    assert note_kind("not valid UTF-8 (byte 0xe9 at offset 12); decoded as cp1252") == \
        "not valid UTF-8 …; decoded as cp1252"
    assert note_kind("id 'x' is another file's; stored as 'b-x'") == "id … is another file's; stored as …"
    assert note_kind("replaces article 'a' read before from /old/a.txt, as its stated id says") == \
        "replaces article … read before from … as its stated id says"
    assert note_kind("unsupported file type .pdf: use one of .md, .txt") != \
        note_kind("unsupported file type .docx: use one of .md, .txt")

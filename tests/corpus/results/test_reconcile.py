"""One council whatever the spelling or code, one party whatever the code, and the cross-checks."""

from __future__ import annotations

from pathlib import Path

from corpus.results import import_results, normalise_name
from corpus.results.parties import seed_parties
from corpus.store import Store
from tests.corpus.results.files import (
    CANDIDATES_HEADER,
    COMPOSITION_HEADER,
    OCD_HEADER,
    PORT,
    candidate_line,
    composition_line,
    leap_line,
    ocd_line,
    rows,
    scalar,
    write,
)


def three_spellings(store: Store, tmp_path: Path) -> None:
    """Port Example as the three sources spell Hull: 'Example', 'Port Example, City of', 'Port Example'."""
    import_results(
        store,
        write(
            tmp_path / "composition.csv",
            [composition_line(PORT, "Example", (2, 31, 24, 0, 0), "LAB", (0, 2, 1, 0, 0), "LAB")],
            header=COMPOSITION_HEADER,
        ),
    )
    import_results(
        store,
        write(
            tmp_path / "candidates.csv",
            [candidate_line(PORT, "Port Example, City of", ("E05000901", "Dockside"), "Able A.", "LD", 9, 1)],
            header=CANDIDATES_HEADER,
        ),
    )
    import_results(
        store,
        write(
            tmp_path / "leap-2018-05-03.csv",
            [leap_line("Port Example", PORT, "Dockside", "E05000901", "Ann Able", "Lab", 9, 1)],
        ),
    )


def test_three_spellings_are_one_council_named_as_most_files_name_it(store: Store, tmp_path: Path) -> None:
    three_spellings(store, tmp_path)

    assert rows(store, "SELECT ons_code, name, type, region FROM authorities") == [
        (PORT, "Port Example", "Unitary", "North East")
    ]
    aliases = {alias for (alias,) in rows(store, "SELECT DISTINCT alias FROM authority_aliases")}
    assert aliases == {"example", "port example", "port example city of"}


def test_party_spellings_people_type_resolve_to_one_code(store: Store) -> None:
    with store.transaction():  # every import writes the seed; here it is written alone
        seed_parties(store.connection)
    typed = {
        "CON": ["C", "CON", "Con", "Conservative and Unionist", "Tories", "tory"],
        "LAB": ["Lab", "LAB", "Labor", "Labour and Co-operative", "Lab Co-op"],
        "LD": ["LD", "Lib Dem", "Lib Dems", "Liberal Democrats"],
        "GRN": ["Grn", "GREEN", "Greens", "Green Party"],
        "SF": ["Sinn Féin", "sinn fein"],
    }

    for code, spellings in typed.items():
        for spelling in spellings:
            found = scalar(store, "SELECT code FROM party_aliases WHERE alias = norm_name(?)", spelling)
            assert found == code, spelling


def test_a_council_ons_recoded_is_stored_under_its_newest_code(store: Store, tmp_path: Path) -> None:
    old, new = "E08000901", "E08000937"
    import_results(
        store,
        write(
            tmp_path / "leap-2018-05-03.csv", [leap_line("Gatesample", old, "Ward", "E05000903", "Ann", "Lab", 9, 1)]
        ),
    )
    import_results(
        store,
        write(
            tmp_path / "candidates.csv",
            [candidate_line(new, "Gatesample", ("E05000904", "Ward"), "Able A.", "LAB", 9, 1, kind="MB")],
            header=CANDIDATES_HEADER,
        ),
    )

    assert rows(store, "SELECT ons_code, name, type FROM authorities") == [(new, "Gatesample", "Metropolitan")]
    assert rows(store, "SELECT code, ons_code FROM authority_codes ORDER BY 1") == [(old, new), (new, new)]
    assert rows(store, "SELECT DISTINCT election_id, ons_code FROM candidacies ORDER BY 1") == [
        ("local-2018-05-03", new),
        ("local-2022-05-05", new),
    ]


def test_all_out_seats_won_that_differ_from_seats_held_are_recorded_with_both_sources(
    store: Store, tmp_path: Path
) -> None:
    import_results(
        store,
        write(
            tmp_path / "composition.csv",
            [composition_line(PORT, "Example", (1, 2, 0, 0, 0), "LAB", (1, 2, 0, 0, 0), "LAB")],
            header=COMPOSITION_HEADER,
        ),
    )
    import_results(
        store,
        write(
            tmp_path / "leap-2018-05-03.csv",
            [
                leap_line("Port Example", PORT, "Dockside", "E05000901", "Ann", "C", 9, 1),
                leap_line("Port Example", PORT, "Dockside", "E05000901", "Ben", "C", 8, 1),
                leap_line("Port Example", PORT, "Dockside", "E05000901", "Cat", "Lab", 7, 1),
            ],
        ),
    )

    issues = rows(
        store,
        "SELECT party_code, source_a, value_a, source_b, value_b FROM data_issues "
        "WHERE kind = 'seats_won_vs_seats_held' ORDER BY 1",
    )
    assert issues == [
        ("CON", "leap-2018-05-03.csv", "2", "composition.csv", "1"),
        ("LAB", "leap-2018-05-03.csv", "1", "composition.csv", "2"),
    ]
    assert scalar(store, "SELECT count(*) FROM data_issues WHERE kind = 'seats_won_exceed_seats_held'") == 1


def test_a_thirds_election_labelled_all_out_is_recorded(store: Store, tmp_path: Path) -> None:
    three_spellings(store, tmp_path)

    assert rows(store, "SELECT kind, election_id, value_a, value_b FROM data_issues WHERE kind = 'seats_up_label'") == [
        ("seats_up_label", "local-2022-05-05", "All", "1 of 3")
    ]


def test_yearly_snapshots_that_differ_from_seats_held_after_the_election_are_recorded(
    store: Store, tmp_path: Path
) -> None:
    import_results(
        store,
        write(
            tmp_path / "composition.csv",
            [composition_line(PORT, "Port Example", (2, 31, 24, 0, 0), "LAB", (0, 27, 29, 0, 1), "LD")],
            header=COMPOSITION_HEADER,
        ),
    )
    import_results(
        store,
        write(
            tmp_path / "history.csv",
            [
                ocd_line(1, 7, "Port Example", 2018, {"con": 2, "lab": 31, "ld": 24}, "Lab"),
                ocd_line(2, 7, "Port Example", 2022, {"lab": 26, "ld": 29, "other": 2}, "Lab plurality"),
            ],
            header=OCD_HEADER,
        ),
    )

    assert rows(
        store,
        "SELECT kind, party_code, value_a, value_b FROM data_issues WHERE area_code = ? ORDER BY kind, party_code",
        PORT,
    ) == [
        ("control_vs_yearly", None, "LD", "Lab plurality"),
        ("seats_held_vs_yearly", "LAB", "27", "26"),
        ("seats_held_vs_yearly", "OTH", "1", "2"),
    ]


def test_python_and_sql_normalise_names_alike(store: Store) -> None:
    names = ["Kingston upon Hull, City of", "St. Helens", "Sinn Féin", "King's Lynn & West Norfolk", "  Lib-Dems "]

    for name in names:
        assert normalise_name(name) == scalar(store, "SELECT norm_name(?)", name)
    assert normalise_name("King’s Lynn & West Norfolk") == "kings lynn and west norfolk"


def test_where_spellings_meet_on_one_alias_the_partys_own_name_is_kept_every_time(tmp_path: Path) -> None:
    spellings = set()
    for n in range(6):  # any_value() gave either spelling, as DuckDB's threads happened to finish
        with Store.open(tmp_path / f"store{n}") as fresh:
            seed_parties(fresh.connection)
            spellings.add(tuple(fresh.connection.execute(
                "SELECT name FROM party_aliases WHERE alias IN ('christian peoples alliance', 'sinn fein', "
                "'social democratic and labour party') ORDER BY alias").fetchall()))
    assert spellings == {(("Christian Peoples Alliance",), ("Sinn Féin",), ("Social Democratic and Labour Party",))}

"""Results import benchmark, and the generator of the project's sample results.

Run with `.venv/bin/python -m tests.bench.results --shared ../shared` (`make bench-results`): imports every
results file in ../shared/data into a fresh temporary store in one ingest and prints seconds per file, the
files refused and why, total seconds (the store generation's copy and publish included) and peak memory.

With `--write-sample corpus/sample/results` it then writes the sample results (canonical format) by querying
a store of the public files the suites read, so every figure in the sample is computed from them, never typed.
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from corpus.results import import_results, import_results_files, normalise_name, results_status
from corpus.results.canonical import COLUMNS
from corpus.results.provenance import SIDECAR_SUFFIX, sidecar_of
from corpus.store import Store
from tests.bench.record import peak_memory_mib, write_result
from tests.helpers import PUBLIC_FILES

SAMPLE_COUNCILS = (
    "Kingston upon Hull",
    "Barnet",
    "Trafford",
    "Lincoln",
    "North East Lincolnshire",
    "Hartlepool",
    "Thurrock",
    "Nuneaton and Bedworth",
    "Wandsworth",
    "Westminster",
    "Sunderland",
)
SAMPLE_CONSTITUENCIES = (
    "Kingston upon Hull East",
    "Kingston upon Hull North",
    "Kingston upon Hull West and Hessle",
    "Great Grimsby",
    "Hartlepool",
    "Kensington",
    "Canterbury",
    "Bolsover",
    "Blyth Valley",
)
SAMPLE_LOCAL_ELECTIONS = ("local-2018-05-03", "local-2022-05-05")
SAMPLE_GENERAL_ELECTIONS = ("general-2017-06-08", "general-2019-12-12")
HEADER = [name for name, _ in COLUMNS]

# Where each figure came from, with its licence: the `dataset` column of the sample.
CITED = ("s.dataset || ' (' || coalesce(src.licence, 'see README') || ')' AS dataset, src.format AS _format, "
         "src.title AS _title, src.publisher AS _publisher, src.licence AS _licence, src.url AS _url")


def results_paths(shared: Path) -> list[Path]:
    """The public results files under `shared`/data."""
    return [shared / "data" / name for name in PUBLIC_FILES]


def every_results_file(shared: Path) -> list[Path]:
    """Every results file under `shared`/data (the CSVs but the BBC corpus's manifest of articles)."""
    return sorted(p for p in (shared / "data").rglob("*.csv") if not p.parent.name.startswith("bbc-news"))


def import_all(store: Store, shared: Path) -> list[tuple[str, float, int]]:
    """Import the public files; (file, seconds, rows) for each."""
    timings = []
    for path in results_paths(shared):
        report = import_results(store, path)
        timings.append((path.name, report.seconds, report.total_rows))
    return timings


def codes_of(store: Store, table: str, names: Sequence[str]) -> list[tuple[str, str]]:
    """(ONS code, name) of each named place, found through the store's aliases, in the order given."""
    found = []
    for name in names:
        row = store.connection.execute(
            f"SELECT ons_code FROM {table}_aliases WHERE alias = $alias GROUP BY ons_code",
            {"alias": normalise_name(name)},
        ).fetchall()
        if len(row) != 1:
            raise SystemExit(f"{name!r} does not name exactly one place in {table}_aliases: {row}")
        found.append((row[0][0], name))
    return found


def council_rows(store: Store) -> list[dict[str, object]]:
    """Control, seats held and seats won for the sample councils in 2018 and 2022."""
    codes = [code for code, _ in codes_of(store, "authority", SAMPLE_COUNCILS)]
    params = {"codes": codes, "elections": list(SAMPLE_LOCAL_ELECTIONS)}
    where = "list_contains($codes, s.ons_code) AND list_contains($elections, s.election_id)"
    queries = {
        "control": f"""
            SELECT 'control' AS record, s.election_id AS election, s.ons_code AS area_code, a.name AS area_name,
                   s.control, s.total_seats AS seats, s.vacant_seats AS vacant, a.region, {CITED}
            FROM council_control s JOIN authorities a USING (ons_code)
            JOIN sources src ON src.file = s.source_file WHERE {where}
            ORDER BY election, area_name""",
        "seats_held": f"""
            SELECT 'seats_held' AS record, s.election_id AS election, s.ons_code AS area_code, a.name AS area_name,
                   s.party_code AS party, p.name AS party_name, s.seats_held AS seats, s.net_change AS change,
                   {CITED}
            FROM council_composition s JOIN authorities a USING (ons_code) JOIN parties p ON p.code = s.party_code
            JOIN sources src ON src.file = s.source_file WHERE {where}
            ORDER BY election, area_name, seats DESC, party""",
        "seats_won": f"""
            SELECT 'seats_won' AS record, s.election_id AS election, s.ons_code AS area_code, a.name AS area_name,
                   s.party_code AS party, p.name AS party_name, s.seats, {CITED}
            FROM seats_won s JOIN authorities a USING (ons_code) JOIN parties p ON p.code = s.party_code
            JOIN sources src ON src.file = s.source_file WHERE {where}
            ORDER BY election, area_name, seats DESC, party""",
    }
    rows: list[dict[str, object]] = []
    for query in queries.values():
        rows += fetch_dicts(store, query, params)
    rows = sorted(rows, key=lambda r: (str(r["election"]), str(r["area_name"]), str(r["record"])))
    return rows + name_rows(store, "authority_names", codes)


def general_rows(store: Store) -> list[dict[str, object]]:
    """Results, votes by party and candidates of the sample constituencies, and national seat totals."""
    codes = [code for code, _ in codes_of(store, "constituency", SAMPLE_CONSTITUENCIES)]
    params = {"codes": codes, "elections": list(SAMPLE_GENERAL_ELECTIONS)}
    where = "list_contains($codes, s.ons_code) AND list_contains($elections, s.election_id)"
    queries = [
        f"""SELECT 'constituency' AS record, s.election_id AS election, s.ons_code AS area_code, c.name AS area_name,
                   s.winner AS candidate, s.party_code AS party, p.name AS party_name, s.electorate, s.valid_votes,
                   s.invalid_votes, s.majority, c.region, {CITED}
            FROM constituency_results s JOIN constituencies c USING (ons_code) JOIN parties p ON p.code = s.party_code
            JOIN sources src ON src.file = s.source_file WHERE {where}
            ORDER BY election, area_name""",
        f"""SELECT 'party_votes' AS record, s.election_id AS election, s.ons_code AS area_code, c.name AS area_name,
                   s.party_code AS party, p.name AS party_name, s.votes, {CITED}
            FROM constituency_votes s JOIN constituencies c USING (ons_code) JOIN parties p ON p.code = s.party_code
            JOIN sources src ON src.file = s.source_file WHERE {where}
            ORDER BY election, area_name, votes DESC, party""",
        f"""SELECT 'candidacy' AS record, s.election_id AS election, s.ons_code AS area_code, c.name AS area_name,
                   s.candidate, s.party_code AS party, p.name AS party_name, s.votes, s.elected::INTEGER AS elected,
                   {CITED}
            FROM constituency_candidacies s JOIN constituencies c USING (ons_code)
            JOIN parties p ON p.code = s.party_code JOIN sources src ON src.file = s.source_file WHERE {where}
            ORDER BY election, area_name, votes DESC, candidate""",
        f"""SELECT 'national' AS record, s.election_id AS election, s.party_code AS party, p.name AS party_name,
                   s.seats, s.votes, {CITED}
            FROM national_results s JOIN parties p ON p.code = s.party_code
            JOIN sources src ON src.file = s.source_file WHERE list_contains($elections, s.election_id)
            ORDER BY election, seats DESC, votes DESC NULLS LAST, party""",
    ]
    rows: list[dict[str, object]] = []
    for query in queries:
        used = {name: value for name, value in params.items() if f"${name}" in query}
        rows += fetch_dicts(store, query, used)
    return rows + name_rows(store, "constituency_names", codes)


def name_rows(store: Store, table: str, codes: list[str]) -> list[dict[str, object]]:
    """Every spelling the public files print for these places, as `name` lines (so "Hull" finds Hull)."""
    return fetch_dicts(
        store,
        f"""SELECT DISTINCT 'name' AS record, n.code AS area_code, n.name AS area_name
            FROM {table} n WHERE list_contains($codes, n.code) ORDER BY area_code, area_name""",
        {"codes": codes},
    )


def fetch_dicts(store: Store, query: str, params: dict[str, object]) -> list[dict[str, object]]:
    """Rows of a query as dicts."""
    result = store.connection.execute(query, params)
    names = [column[0] for column in result.description or []]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def write_csv(path: Path, rows: list[dict[str, object]]) -> None:
    """Rows in the canonical format, with only the columns they use."""
    used = [name for name in HEADER if any(row.get(name) is not None for row in rows)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=used, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({name: "" if row.get(name) is None else row[name] for name in used})


def sample_files(store: Store) -> dict[str, list[dict[str, object]]]:
    """The sample results, file name -> rows: a file for each public file the rows come from, so that each is one
    dataset with its sidecar; the places' spellings go with the first file of their kind."""
    files: dict[str, list[dict[str, object]]] = {}
    for kind, rows in (("councils", council_rows(store)), ("general", general_rows(store))):
        names = [row for row in rows if row["record"] == "name"]
        for row in rows:
            if row["record"] != "name":
                files.setdefault(f"{kind}-{row['_format']}.csv", []).append(row)
        files[next(name for name in files if name.startswith(kind))] += names
    return files


def sidecar(rows: list[dict[str, object]]) -> str:
    """The sidecar of a sample file (corpus/results/provenance.py): the dataset its rows come from."""
    first = rows[0]
    lines = {"title": first["_title"], "publisher": first["_publisher"], "licence": first["_licence"],
             "url": first["_url"]}
    return "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in lines.items() if value)


def write_sample(store: Store, directory: Path) -> list[Path]:
    """Write the sample results files, each with its sidecar, into `directory` (replacing the sample there)."""
    directory.mkdir(parents=True, exist_ok=True)
    for old in (*directory.glob("*.csv"), *directory.glob(f"*{SIDECAR_SUFFIX}")):
        old.unlink()
    written = []
    for name, rows in sample_files(store).items():
        write_csv(directory / name, rows)
        sidecar_of(directory / name).write_text(sidecar(rows), encoding="utf-8")
        written.append(directory / name)
    return written


def main() -> None:
    """Run the benchmark (and write the sample when asked) and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--write-sample", type=Path, default=None, metavar="DIR")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        every = every_results_file(args.shared)
        started = time.perf_counter()
        with Store.open(Path(scratch) / "every") as store:  # one writing session, as one `hustings ingest`
            reports, errors = import_results_files(store, every)
        total = time.perf_counter() - started  # with the copy and publish of the store generation
        for report in reports:
            print(f"{report.file.name:<52} {report.total_rows:>7} rows {report.seconds:7.2f} s")
        for error in errors:
            print(f"{error.path.name:<52} refused: {error.problem}")
        print(f"{'every results file (' + str(len(every)) + ')':<52} "
              f"{sum(r.total_rows for r in reports):>7} rows {total:7.2f} s")
        print(f"peak memory: {peak_memory_mib():.0f} MiB")
        rows = [{"file": r.file.name, "rows": r.total_rows, "seconds": round(r.seconds, 2)} for r in reports]
        rows += [{"file": e.path.name, "refused": e.problem} for e in errors]
        rows.append({"file": f"all {len(every)} (total, one ingest)", "rows": sum(r.total_rows for r in reports),
                     "seconds": round(total, 2), "peak memory MiB": round(peak_memory_mib())})
        write_result("results", f"Results import: every results file in ../shared/data ({len(every)})", rows)
        with Store.open(Path(scratch) / "public") as store:
            import_all(store, args.shared)
            for table, count in results_status(store).items():
                print(f"  {table}: {count}")
            if args.write_sample is not None:
                for path in write_sample(store, args.write_sample):
                    print(f"wrote {path}")


if __name__ == "__main__":
    main()

"""Councils' own results in the Local Government Association's "publishing election results data" schema.

One line per candidate per contest: a type of election, a polling day and an electoral area (a ward, or a
Westminster constituency), as the council that publishes the file declared them. Each contest is stored under an
election of its own kind and day: borough and county elections as `local-<day>`, their by-elections as
`local-by-<day>`, Westminster contests as `general-<day>` and `general-by-<day>` (corpus/results/elections.py).
The file names its council only in words and a URI: its ONS code is the one the store's other files give that
name (or, failing that, its wards' codes). Parties are known by their Electoral Commission registration
(party_registrations.csv), else by their label. Contests the store cannot hold truly are listed, with the reason,
in `skipped_contests`.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import duckdb

from corpus.results.elections import record_elections
from corpus.results.errors import ResultsFileError
from corpus.results.parties import map_parties
from corpus.results.places import UNIQUE_AUTHORITY_ALIASES
from corpus.results.records import ResultsFormat
from corpus.results.stage import require, stage_csv

REGISTRATIONS = "party_registrations.csv"
REJECTED = ("OfficialMark", "MultipleVote", "Identification", "InPart", "Unmarked")
TITLE = "Election results (LGA transparency schema)"

# TypeofElection in lower case, letters only, less a trailing "byelection": the kind of election it is. Contests
# for bodies the store holds nothing of (parish, town, mayor, police commissioner, GLA, Europe, referendums) are
# skipped; any other type is refused, so that a misspelt one is not lost without a word.
KINDS = {"districtandborough": "local", "county": "local", "parliamentary": "general"}
ELSEWHERE = "parish|town|communit|mayor|police|referend|europ|london|assembly|authority"
WARD_CODE = "'^(E05|W05|S13|N08|E58)[0-9]{6}$'"
SEAT_CODE = "'^(E14|W07|S14|N05|N06)[0-9]{6}$'"
# Every Westminster seat was redrawn for the general election of 4 July 2024 and all but five were given new
# codes (England from E14001063, Wales W07000081, Scotland S14000060, Northern Ireland N05): a contest under a
# code from the other side of that day is under a seat that was not fought then.
NEW_SEAT = ("(area_code >= 'E14001063' AND area_code LIKE 'E14%') OR (area_code >= 'W07000081' AND area_code LIKE "
            "'W07%') OR (area_code >= 'S14000060' AND area_code LIKE 'S14%') OR area_code LIKE 'N05%'")
KEPT_SEATS = "('S14000021', 'S14000027', 'S14000045', 'S14000048', 'S14000051')"
SEAT_IN_FORCE = f"(area_code IN {KEPT_SEATS} OR (day >= DATE '2024-07-04') = ({NEW_SEAT}))"

# "Trafford Metropolitan Borough Council" -> "Trafford"; "London Borough of Camden" -> "Camden".
COUNCIL_WORDS = re.compile(r"\s+((metropolitan\s+)?(borough|district|city|county(\s+borough)?)\s+)?council$", re.I)
LEADING_WORDS = re.compile(r"^(the\s+)?((london|royal)\s+borough\s+of|city\s+(and\s+county\s+)?of|borough\s+of|"
                           r"council\s+of(\s+the)?)\s+", re.I)
WORD = re.compile(r"[^\W\d_]+")

KIND = ("CASE regexp_replace(type_key, 'byelection$', '') "
        + " ".join(f"WHEN '{key}' THEN '{kind}'" for key, kind in KINDS.items()) + " END")

# Each line with what it means: the polling day, the kind of election, the area's code, the party's registration,
# the candidate's names, the contest it belongs to and the figures of the contest's first line.
READ = f"""
CREATE OR REPLACE TEMP TABLE lga AS
WITH read AS (
    SELECT *,
           coalesce(try_strptime(trim("ElectionDate"), '%Y-%m-%d'),
                    try_strptime(trim("ElectionDate"), '%d/%m/%Y'))::DATE AS day,
           regexp_replace(lower(coalesce("TypeofElection", '')), '[^a-z]', '', 'g') AS type_key,
           nullif(regexp_extract(trim("ElectoralAreaURI"), '([EWSN][0-9]{{8}})/?$', 1), '') AS area_code,
           trim("ElectoralAreaLabel") AS area_name,
           nullif(upper(regexp_extract(trim("PoliticalPartyURI"), '([Pp][Pp][0-9]+)/?$', 1)), '') AS registration,
           nullif(trim("PoliticalPartyLabel"), '') AS label,
           CASE WHEN upper(trim("Elected")) IN ('ELECTED', 'TRUE', 'YES', 'Y', '1') THEN true
                WHEN upper(trim("Elected")) IN ('NOT ELECTED', 'NOTELECTED', 'FALSE', 'NO', 'N', '0') THEN false
           END AS won,
           nullif(trim(coalesce("CommonlyUsedForenames", "CandidateForenames")), '') AS forenames,
           nullif(trim(coalesce("CommonlyUsedSurname", "CandidateSurname")), '') AS surname,
           CASE WHEN coalesce({", ".join(f'"BallotsRejected{why}"' for why in REJECTED)}) IS NOT NULL
                THEN {" + ".join(f'coalesce("BallotsRejected{why}", 0)' for why in REJECTED)} END AS rejected,
           coalesce("ElectedBodyURI" = "OrganisationURI", "ElectedBodyLabel" = "OrganisationLabel", true) AS own,
           trim(coalesce("OrganisationLabel", "OrganisationURI")) AS publisher,
           concat_ws('|', "ElectionDate", "TypeofElection", "ElectoralAreaURI", "OrganisationURI") AS contest
    FROM staged
)
SELECT *, ends_with(type_key, 'byelection') AS by_election, {KIND} AS kind,
       {KIND} || CASE WHEN ends_with(type_key, 'byelection') THEN '-by-' ELSE '-' END || strftime(day, '%Y-%m-%d')
           AS election_id,
       count(*) FILTER (WHERE won) OVER contests AS winners,
       min(_record) OVER contests + 2 AS first_line,
       first_value("VotesCast") OVER ordered AS first_cast,
       first_value("EligibleElectorate") OVER ordered AS first_electorate,
       first_value("PercentageTurnout") OVER ordered AS first_turnout
FROM read
WINDOW contests AS (PARTITION BY contest),
       ordered AS (PARTITION BY contest ORDER BY _record ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
"""

# Why a contest is not stored, or NULL when it is.
SKIP = f"""CASE
    WHEN kind IS NULL THEN format('a {{}} contest: hustings holds council and Westminster elections only',
                                  "TypeofElection")
    WHEN kind = 'local' AND NOT own THEN format('a contest for {{}}, not for the council that published the file: '
        'the file may hold only its part of that election', coalesce("ElectedBodyLabel", "ElectedBodyURI"))
    WHEN kind = 'general' AND NOT regexp_matches(area_code, {SEAT_CODE}) THEN format('a Westminster contest given '
        'for {{}} ({{}}), which is not a constituency: part of a seat''s count is not its result', area_name, area_code)
    WHEN kind = 'general' AND NOT {SEAT_IN_FORCE} THEN format('a Westminster contest of {{}} given under {{}}, the '
        'code of a seat not fought that day (every seat was redrawn and given a new code for the general election '
        'of 4 July 2024): which seat it was cannot be told from the file', strftime(day, '%-d %B %Y'), area_code)
    WHEN kind = 'general' AND held.source_file IS NOT NULL THEN format('the store holds this seat''s result at '
        'that election from {{}}: a council''s file fills gaps in the national files, it never replaces them (they '
        'say more: the member''s gender, the result''s label)', held.source_file)
END"""
# Westminster results the store holds from other files, by election and seat.
HELD = """
    SELECT election_id, ons_code AS area_code, min(source_file) AS source_file FROM (
        SELECT election_id, ons_code, source_file FROM constituency_results
        UNION ALL SELECT election_id, ons_code, source_file FROM constituency_candidacies
    ) WHERE source_file <> $file GROUP BY ALL"""


def stage_lga(con: duckdb.DuckDBPyConnection, path: Path, fmt: ResultsFormat) -> None:
    """Stage candidacies, seats won and ward results of council contests, and Westminster contests' results."""
    if stage_csv(con, path, fmt.columns, nullstr=fmt.nullstr) == 0:
        raise ResultsFileError(path, "the file has a header but no results", line=2, fix="export the results again")
    con.execute(READ)
    check_lines(con, path)
    skip_contests(con, path)
    councils = resolve_councils(con, path)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE lga_kept AS
        SELECT k.*, c.ons_code, publisher || ', ' || $title AS dataset
        FROM lga k
        LEFT JOIN (SELECT unnest($names::VARCHAR[]) AS publisher, unnest($codes::VARCHAR[]) AS ons_code) c
             USING (publisher)
        WHERE k.contest NOT IN (SELECT contest FROM lga_skipped)
        """,
        {"title": TITLE, "names": list(councils), "codes": list(councils.values())},
    )
    record_elections(con, [row[0] for row in con.execute("SELECT DISTINCT election_id FROM lga_kept").fetchall()])
    stage_parties(con, path)
    stage_names(con)
    con.execute(CANDIDATES)
    stage_local(con)
    stage_council_names(con, councils)
    stage_westminster(con)


def check_lines(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Refuse the file at its first line that cannot be read as a candidate of a contest."""
    stored = "kind IS NULL OR "  # a contest hustings does not hold needs no more than its type
    checks = [
        ("day IS NOT NULL", "ElectionDate", "{value} is not a date", "write the polling day as YYYY-MM-DD"),
        (f"kind IS NOT NULL OR regexp_matches(type_key, '{ELSEWHERE}')", "TypeofElection",
         "{value} is not a type of election hustings reads",
         "use DistrictAndBorough, County or Parliamentary, or one of them followed by ByElection"),
        ("publisher IS NOT NULL", "OrganisationLabel", "the council that publishes the file is not named",
         "give it in OrganisationLabel and OrganisationURI"),
        (stored + "area_code IS NOT NULL", "ElectoralAreaURI", "{value} does not end in an ONS code",
         "give the area's URI ending in its ONS code, as http://statistics.data.gov.uk/id/statistical-geography/"
         "E05000819"),
        (f"kind <> 'local' OR regexp_matches(area_code, {WARD_CODE})", "ElectoralAreaURI",
         "{value} is not the ONS code of a ward or division", "give the ward's own code (E05…, W05…, S13…)"),
        (stored + "area_name IS NOT NULL", "ElectoralAreaLabel", "the area's name is missing", "fill it in"),
        (stored + "surname IS NOT NULL", "CandidateSurname", "the candidate's surname is missing", "fill it in"),
        (stored + "coalesce(label, registration) IS NOT NULL", "PoliticalPartyLabel", "the party is missing",
         "give the party's label (Independent for an independent)"),
        (stored + "won IS NOT NULL", "Elected", "{value} is neither ELECTED nor NOT ELECTED", "correct it"),
        ('"PercentageTurnout" IS NULL OR "PercentageTurnout" BETWEEN 0 AND 100', "PercentageTurnout",
         "{value} is not a percentage", "correct it"),
    ]
    for condition, field, problem, fix in checks:
        require(con, path, condition, field=field, problem=problem, fix=fix, table="lga")
    seat = f"kind IS DISTINCT FROM 'general' OR NOT regexp_matches(area_code, {SEAT_CODE})"
    require(con, path, f"{seat} OR winners = 1", field="Elected", show="winners", table="lga",
            problem="the contest has {value} candidates marked ELECTED, but a Westminster seat has one",
            fix="mark the one winner ELECTED")
    for column, first in (("VotesCast", "first_cast"), ("EligibleElectorate", "first_electorate"),
                          ("PercentageTurnout", "first_turnout")):
        require(con, path, f'"{column}" IS NOT DISTINCT FROM {first}', field=column,
                problem="{value}: an area has one figure for every candidate of its contest",
                show=f"format('{{}} differs from line {{}}, which gives {{}}', \"{column}\", first_line, {first})",
                fix="give every line of the contest the same figure", table="lga")


def skip_contests(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Set aside, with the reason, the contests the store cannot hold truly (`skipped_contests`)."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE lga_skipped AS
        SELECT contest, min(first_line) AS line, min(day) AS day, min("TypeofElection") AS type,
               min(area_code) AS area_code, min(area_name) AS area_name, count(*)::INTEGER AS candidates,
               min(reason) AS reason
        FROM (SELECT lga.*, {SKIP} AS reason FROM lga LEFT JOIN ({HELD}) held USING (election_id, area_code))
        WHERE reason IS NOT NULL GROUP BY contest
        """,
        {"file": path.name},
    )
    con.execute("DELETE FROM skipped_contests WHERE source_file = $file", {"file": path.name})
    con.execute(
        "INSERT INTO skipped_contests SELECT $file, line, day, type, area_code, area_name, candidates, reason "
        "FROM lga_skipped ORDER BY line",
        {"file": path.name},
    )
    left = con.execute("SELECT count(*) FROM lga WHERE contest NOT IN (SELECT contest FROM lga_skipped)").fetchone()
    if left == (0,):
        line, reason = con.execute("SELECT line, reason FROM lga_skipped ORDER BY line LIMIT 1").fetchone() or (2, "")
        raise ResultsFileError(path, f"the file holds no contest hustings can store (line {line}: {reason})",
                               line=line, fix="import a file of council or Westminster results")


def resolve_councils(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, str]:
    """The ONS code of each council whose own contests the file holds, by its names, else by its wards' codes."""
    found: dict[str, str] = {}
    for publisher, uri, line, wards in con.execute(
        "SELECT publisher, min(\"OrganisationURI\"), min(_record) + 2, list(DISTINCT area_code) FROM lga "
        "WHERE kind = 'local' AND contest NOT IN (SELECT contest FROM lga_skipped) GROUP BY publisher ORDER BY 3"
    ).fetchall():
        by_name = alias_code(con, council_names(publisher, uri))
        by_wards = {row[0] for row in con.execute(
            "SELECT DISTINCT ons_code FROM wards WHERE list_contains($wards, ward_code)", {"wards": wards}).fetchall()}
        if by_name is not None and by_wards and by_wards != {by_name}:
            raise ResultsFileError(path, f"{publisher!r} reads as the council {by_name}, but the store has its wards "
                                   f"under {', '.join(sorted(by_wards))}", line=line, field="OrganisationLabel",
                                   fix="check the council's name and the wards' codes")
        code = by_name or (next(iter(by_wards)) if len(by_wards) == 1 else None)
        if code is None:
            raise ResultsFileError(
                path, f"the store knows no ONS code for the council {publisher!r}", line=line,
                field="OrganisationLabel",
                fix="import a file that gives the council with its code first (a Commons Library or LEAP file), or "
                    "a canonical file with a line `name,,<its ONS code>,<its name>`, then this one again")
        found[publisher] = code
    return found


def alias_code(con: duckdb.DuckDBPyConnection, names: list[str]) -> str | None:
    """The council the first of `names` that is one council's alias names, if any does."""
    for name in names:
        row = con.execute(f"SELECT ons_code FROM ({UNIQUE_AUTHORITY_ALIASES}) WHERE alias = norm_name($name)",
                          {"name": name}).fetchone()
        if row is not None:
            return str(row[0])
    return None


def council_names(label: str, uri: str | None) -> list[str]:
    """The names a council's label and URI may be known by, most particular first."""
    plain = COUNCIL_WORDS.sub("", label.strip())
    names = [label, plain, LEADING_WORDS.sub("", plain)]
    if uri:
        names.append(uri.rstrip("/").rsplit("/", 1)[-1].replace("-", " "))
    return list(dict.fromkeys(name for name in names if name.strip()))


def stage_parties(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """`lga_party(_record, party_code, party_printed)`: by registration on the polling day, else by label."""
    with resources.as_file(resources.files("corpus.results").joinpath(REGISTRATIONS)) as seed:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE lga_registrations AS SELECT * FROM read_csv($path, header = true, "
            "auto_detect = false, columns = {'registration': 'VARCHAR', 'code': 'VARCHAR', 'since': 'DATE', "
            "'registered_as': 'VARCHAR'})",
            {"path": str(seed)},
        )
    # An unknown registration is one party whatever its lines call it: its most used label names it.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE lga_printed AS
        WITH labels AS (SELECT registration, label, count(*) AS n FROM lga_kept
                        WHERE registration IS NOT NULL AND label IS NOT NULL GROUP BY ALL)
        SELECT k._record, coalesce(k.label, k.registration) AS party_printed,
               (SELECT arg_max(r.code, coalesce(r.since, DATE '1900-01-01')) FROM lga_registrations r
                WHERE r.registration = k.registration AND coalesce(r.since, DATE '1900-01-01') <= k.day) AS registered,
               CASE WHEN k.registration IS NULL THEN k.label
                    ELSE coalesce((SELECT first(l.label ORDER BY l.n DESC, l.label) FROM labels l
                                   WHERE l.registration = k.registration), k.registration) END AS printed
        FROM lga_kept k
        """
    )
    map_parties(con, "SELECT DISTINCT printed, NULL AS printed_name FROM lga_printed WHERE registered IS NULL",
                path.name)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE lga_party AS SELECT p._record, coalesce(p.registered, m.code) AS party_code, "
        "p.party_printed FROM lga_printed p LEFT JOIN party_map m ON m.printed = trim(p.printed)"
    )


def stage_names(con: duckdb.DuckDBPyConnection) -> None:
    """`lga_names(forenames, surname, candidate)`: each candidate's name as a reader writes it."""
    pairs = con.execute("SELECT DISTINCT forenames, surname FROM lga_kept").fetchall()
    con.execute(
        "CREATE OR REPLACE TEMP TABLE lga_names AS SELECT unnest($forenames::VARCHAR[]) AS forenames, "
        "unnest($surnames::VARCHAR[]) AS surname, unnest($names::VARCHAR[]) AS candidate",
        {"forenames": [f for f, _ in pairs], "surnames": [s for _, s in pairs],
         "names": [candidate_name(f, s) for f, s in pairs]},
    )


def candidate_name(forenames: str | None, surname: str) -> str:
    """ "Daniel Adam", "JERROME" -> "Daniel Adam Jerrome": the forenames and surname, capitals made readable."""
    return " ".join(readable(part) for part in (forenames, surname) if part)


def readable(name: str) -> str:
    """A name printed in capitals in ordinary case ("CARTER-KANDOLA" -> "Carter-Kandola", "O'NEILL" -> "O'Neill",
    "MCDONALD" -> "McDonald"); "MAC" is left "Mac…" (Macdonald, Machin: the capitals cannot say which it is).
    A name with any lower-case letter is kept as printed."""
    if any(ch.islower() for ch in name):
        return " ".join(name.split())
    return WORD.sub(capitalised, " ".join(name.split()).lower())


def capitalised(word: re.Match[str]) -> str:
    """One run of letters with its first capital, and the one after a "Mc"."""
    text = word.group(0).capitalize()
    return "Mc" + text[2:].capitalize() if text.startswith("Mc") and len(text) > 2 else text


CANDIDATES = """
CREATE OR REPLACE TEMP TABLE lga_rows AS
SELECT k.election_id, k.kind, k.ons_code, k.area_code, k.area_name, n.candidate, p.party_code, p.party_printed,
       k."VotesWon" AS votes, k.won AS elected, k."VotesCast" AS ballots, k."EligibleElectorate" AS electorate,
       k."PercentageTurnout" AS turnout, k.rejected, k.day, k.publisher, k.dataset
FROM lga_kept k JOIN lga_party p USING (_record)
JOIN lga_names n ON n.forenames IS NOT DISTINCT FROM k.forenames AND n.surname = k.surname
"""


def stage_local(con: duckdb.DuckDBPyConnection) -> None:
    """Candidacies, seats won, ward results and wards, from council contests."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_candidacies AS
        SELECT election_id, ons_code, area_code AS ward_code, area_name AS ward_name, candidate, party_code,
               party_printed, votes, elected, NULL::BOOLEAN AS incumbent, dataset
        FROM lga_rows WHERE kind = 'local'
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_seats_won AS
        SELECT election_id, ons_code, party_code, count(*) FILTER (WHERE elected)::INTEGER AS seats, min(dataset)
               AS dataset
        FROM new_candidacies GROUP BY election_id, ons_code, party_code
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_ward_results AS
        SELECT election_id, ons_code, area_code AS ward_code, min(area_name) AS ward_name,
               count(*) FILTER (WHERE elected)::INTEGER AS seats_up, min(electorate) AS electorate,
               min(turnout) AS turnout, sum(votes)::BIGINT AS total_votes, min(ballots) AS ballots_cast,
               min(rejected) AS rejected_ballots, min(dataset) AS dataset
        FROM lga_rows WHERE kind = 'local' GROUP BY election_id, ons_code, area_code
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_wards AS
        SELECT area_code AS ward_code, arg_max(area_name, day) AS name, min(ons_code) AS ons_code,
               min(dataset) AS dataset
        FROM lga_rows WHERE kind = 'local' GROUP BY area_code
        """
    )


def stage_council_names(con: duckdb.DuckDBPyConnection, councils: dict[str, str]) -> None:
    """Each council's label less its "Council" words ("Trafford Council": "Trafford"), as another spelling (alias
    only: a label is the council's title, not the name a reader calls it by)."""
    pairs = [(code, COUNCIL_WORDS.sub("", label.strip())) for label, code in councils.items()]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE new_authority_names AS SELECT unnest($codes::VARCHAR[]) AS code, "
        "unnest($names::VARCHAR[]) AS name, NULL AS type, NULL AS region, true AS alias_only",
        {"codes": [code for code, _ in pairs], "names": [name for _, name in pairs]},
    )


def stage_westminster(con: duckdb.DuckDBPyConnection) -> None:
    """Candidacies, votes by party, results and names of whole-constituency Westminster contests."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_constituency_candidacies AS
        SELECT election_id, area_code AS ons_code, area_name AS constituency_name, candidate, party_code,
               party_printed, votes, votes / nullif(sum(votes) OVER seat, 0) AS share,
               CASE WHEN votes IS NOT NULL THEN rank() OVER (seat ORDER BY votes DESC NULLS LAST) END::INTEGER
                   AS position,
               elected, dataset
        FROM lga_rows WHERE kind = 'general'
        WINDOW seat AS (PARTITION BY election_id, area_code)
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_constituency_results AS
        SELECT election_id, area_code AS ons_code, min(area_name) AS name,
               first(candidate) FILTER (WHERE elected) AS winner, NULL AS winner_gender,
               first(party_code) FILTER (WHERE elected) AS party_code,
               first(party_code ORDER BY votes DESC NULLS LAST) FILTER (WHERE NOT elected) AS second_party_code,
               NULL AS result, min(electorate) AS electorate, sum(votes)::BIGINT AS valid_votes,
               min(rejected) AS invalid_votes,
               first(votes::BIGINT) FILTER (WHERE elected) - max(votes::BIGINT) FILTER (WHERE NOT elected) AS majority,
               sum(votes) / nullif(min(electorate), 0) AS turnout, NULL::TIMESTAMP AS declared_at,
               min(dataset) AS dataset
        FROM lga_rows WHERE kind = 'general' GROUP BY election_id, area_code
        """
    )
    # Party by party: a seat the national files hold was skipped (skip_contests), and a national file imported
    # later replaces these rows whole, so they never sit beside its own party columns (the rest as OTH).
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_constituency_votes AS
        SELECT election_id, area_code AS ons_code, party_code, min(party_printed) AS party_printed,
               sum(votes)::BIGINT AS votes, min(dataset) AS dataset
        FROM lga_rows WHERE kind = 'general' AND votes IS NOT NULL
        GROUP BY election_id, area_code, party_code
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE new_constituency_names AS
        SELECT DISTINCT area_code AS code, area_name AS name, NULL AS region, NULL AS country, NULL AS type
        FROM lga_rows WHERE kind = 'general'
        """
    )


LGA = ResultsFormat(
    id="lga-election-results",
    dataset=TITLE,
    # Councils publish their open data under the Open Government Licence; a sidecar beside the file says otherwise.
    licence="Open Government Licence v3.0",
    publisher="The publishing council",
    publisher_column="OrganisationLabel",
    url_column="InfoURL",
    columns=(
        ("PublicationDate", "VARCHAR"), ("OrganisationURI", "VARCHAR"), ("OrganisationLabel", "VARCHAR"),
        ("ServiceTypeURI", "VARCHAR"), ("ServiceTypeLabel", "VARCHAR"), ("ElectionDate", "VARCHAR"),
        ("TypeofElection", "VARCHAR"), ("ElectedBodyURI", "VARCHAR"), ("ElectedBodyLabel", "VARCHAR"),
        ("ElectoralAreaURI", "VARCHAR"), ("ElectoralAreaLabel", "VARCHAR"), ("CandidateSurname", "VARCHAR"),
        ("CandidateForenames", "VARCHAR"), ("CommonlyUsedSurname", "VARCHAR"), ("CommonlyUsedForenames", "VARCHAR"),
        ("PoliticalPartyURI", "VARCHAR"), ("PoliticalPartyLabel", "VARCHAR"), ("CandidatesDescription", "VARCHAR"),
        ("VotesWon", "UBIGINT"), ("Elected", "VARCHAR"), ("VotesCast", "UBIGINT"), ("EligibleElectorate", "UBIGINT"),
        *((f"BallotsRejected{why}", "UBIGINT") for why in REJECTED),
        ("PercentageTurnout", "DOUBLE"), ("InfoURL", "VARCHAR"), ("ReturningOfficer", "VARCHAR"),
        ("ElectoralDept", "VARCHAR"), ("ContactEmail", "VARCHAR"), ("ContactTel", "VARCHAR"),
    ),
    stage=stage_lga,
    description="a council's results in the LGA transparency schema (PublicationDate, OrganisationURI, ..., "
                "ElectoralAreaURI, ..., VotesWon, Elected, ...)",
)

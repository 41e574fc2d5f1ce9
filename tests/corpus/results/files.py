"""Small, made-up results files in each format the importers read (headers as the publishers print them)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from corpus.store import Store

COMPOSITION_HEADER = (
    "ons_code,council_name,boundary_change,new_council,council_type,seats_up,region,"
    "con_2018,lab_2018,ld_2018,grn_2018,oth_2018,total_2018,control_2018,"
    "con_2022,lab_2022,ld_2022,grn_2022,oth_2022,vacant_2022,total_2022,control_2022,"
    "net_con,net_lab,net_ld,net_grn,net_oth"
)
CANDIDATES_HEADER = (
    "COUNTYCODE,COUNTYNAME,County code,County name,Local authority code,Local authority name,Ward code,Ward name,"
    "Year,Type,Vacancies,Candidate number,Candidate name,Candidate gender,Incumbent,Votes,Elected,Party ID,"
    "Party name,Party group,Total valid votes,Vote effective"
)
OCD_HEADER = "id,council id,authority,year,total,con,lab,ld,green,ukip,ref,pc,snp,other,majority"
GE_LEADING = (
    "ONS ID,ONS region ID,Constituency name,County name,Region name,Country name,Constituency type,"
    "Declaration time,Member first name,Member surname,Member gender,Result,First party,Second party,"
    "Electorate,Valid votes,Invalid votes,Majority"
)
GE2017_HEADER = (
    GE_LEADING + ",Con,Lab,LD,UKIP,Green,SNP,PC,DUP,SF,SDLP,UUP,APNI,All other candidates,Of which other winner"
)
GE2019_HEADER = (
    GE_LEADING + ",Con,Lab,LD,BRX,Green,SNP,PC,DUP,SF,SDLP,UUP,APNI,All other candidates,Of which other winner"
)
GE_CANDIDATES_HEADER = (
    "ONS ID,ONS region ID,Constituency name,County name,Region name,Country name,Constituency type,Party name,"
    "Party abbreviation,Electoral Commission party ID,MNIS party ID,Electoral Commission adjunct party ID,"
    "Candidate first name,Candidate surname,Candidate gender,Sitting MP,Former MP,Member MNIS ID,Votes,Share,"
    "Change,Democracy Club person ID"
)
PARLIAMENT_HEADER = (
    "election_id,constituency_id,constituency_slug,constituency_name,candidate_name,party_id,party_display_name,"
    "party_source_label,votes,share,position,is_winner,caveats"
)

# The made-up places the fixtures use. Port Example is spelled three ways, as Hull is in the real files.
PORT = "E06000901"
SAMPLETON = "E09000901"
EAST = "E14000901"
WEST = "E14000902"


def write(path: Path, lines: Sequence[str], header: str | None = None) -> Path:
    """Write a CSV file from ready-made lines (CRLF endings, as the Commons Library's exports have)."""
    text = ([header] if header else []) + list(lines)
    path.write_bytes(("\r\n".join(text) + "\r\n").encode("utf-8"))
    return path


def composition_line(
    code: str,
    name: str,
    held_2018: tuple[int, int, int, int, int] | None,
    control_2018: str,
    held_2022: tuple[int, int, int, int, int],
    control_2022: str,
    *,
    vacant: int = 0,
    seats_up: str = "All",
    council_type: str = "Unitary",
) -> str:
    """One council of CBP-9545's England sheet: seats (con, lab, ld, grn, oth) after 2018 and 2022."""
    if held_2018 is None:
        before = ["-"] * 7
        net = ["-"] * 5
    else:
        before = [*map(str, held_2018), str(sum(held_2018)), control_2018]
        net = [str(after - was) for after, was in zip(held_2022, held_2018, strict=True)]
    after = [*map(str, held_2022), str(vacant) if vacant else "", str(sum(held_2022) + vacant), control_2022]
    new = "Yes" if held_2018 is None else "No"
    return ",".join([code, name, "No", new, council_type, seats_up, "North East", *before, *after, *net])


def candidate_line(
    code: str,
    name: str,
    ward: tuple[str, str],
    candidate: str,
    party: str,
    votes: int,
    elected: int,
    *,
    year: str = "2022",
    kind: str = "UAA",
    incumbent: int = 0,
) -> str:
    """One candidate of the Local Elections Handbook's candidates sheet."""
    group = party if party in ("CON", "LAB", "LD", "GREEN", "PC") else "OTH"
    fields = ["9", "Exampleshire", "NA", "NA", code, f'"{name}"', ward[0], ward[1], year, kind, "2", "1", candidate]
    fields += ["F", str(incumbent), str(votes), str(elected), "101", party, group, "1000", "1"]
    return ",".join(fields)


def leap_line(
    council: str, code: str, ward: str, ward_code: str, candidate: str, party: str, votes: int | str, won: int
) -> str:
    """One LEAP candidate: every field quoted, no header."""
    return ",".join(f'"{value}"' for value in (council, code, ward, ward_code, candidate, party, votes, won))


def ocd_line(row_id: int, council_id: int, name: str, year: int, seats: dict[str, int], majority: str) -> str:
    """One council-year of Open Council Data's history: seats by party column, total, control label."""
    columns = ("con", "lab", "ld", "green", "ukip", "ref", "pc", "snp", "other")
    counts = [seats.get(column, 0) for column in columns]
    return ",".join([str(row_id), str(council_id), name, str(year), str(sum(counts)), *map(str, counts), majority])


def constituency_line(
    code: str,
    name: str,
    winner: tuple[str, str],
    first: str,
    second: str,
    votes: dict[str, int],
    *,
    electorate: int = 70000,
    declared: str = "13/12/2019 02:30",
    third: str = "BRX",
) -> str:
    """One constituency of the Commons Library's by-constituency file; `votes` by column name."""
    parties = ("Con", "Lab", "LD", third, "Green", "SNP", "PC", "DUP", "SF", "SDLP", "UUP", "APNI")
    counts = [votes.get(party, 0) for party in parties]
    others = votes.get("All other candidates", 0)
    ranked = sorted([*counts, others], reverse=True)
    valid = sum(counts) + others
    fields = [code, "E12000001", name, "", "North East", "England", "Borough", declared, winner[0], winner[1], "F"]
    fields += [f"{first} hold", first, second, str(electorate), str(valid), "50", str(ranked[0] - ranked[1])]
    fields += [*map(str, counts), str(others), "0"]
    return ",".join(fields)


def ge_candidate_line(
    code: str, name: str, party_name: str, abbreviation: str, first: str, last: str, votes: int
) -> str:
    """One candidate of the Commons Library's GE2019 by-candidate file."""
    fields = [code, "E12000001", name, "", "North East", "England", "Borough", f'"{party_name}"', abbreviation]
    fields += ["PP0", "1", "", first, last, "Female", "No", "No", "", str(votes), "0.5", "", "1"]
    return ",".join(fields)


def parliament_line(
    name: str, candidate: str, party: str, label: str, votes: int, position: int, *, election: str = "ge-2017"
) -> str:
    """One candidate of the psephology candidates table (no ONS code: the constituency by name)."""
    slug = name.lower().replace(" ", "-")
    fields = [election, f"2010-review:{slug}", slug, name, candidate, party.lower().replace(" ", "-"), party, label]
    fields += [str(votes), "0.5", str(position), "1" if position == 1 else "0", ""]
    return ",".join(fields)


def rows(store: Store, query: str, *params: object) -> list[tuple[object, ...]]:
    """All rows of a query on the store."""
    return store.connection.execute(query, list(params)).fetchall()


def scalar(store: Store, query: str, *params: object) -> object:
    """The one value of a query on the store."""
    row = store.connection.execute(query, list(params)).fetchone()
    assert row is not None, query
    return row[0]


def seats_won(store: Store, election: str, code: str) -> dict[str, int]:
    """Party code -> seats won (non-zero only) in one council at one election."""
    found = rows(
        store,
        "SELECT party_code, seats FROM seats_won WHERE election_id = ? AND ons_code = ? AND seats > 0",
        election,
        code,
    )
    return {str(party): int(str(seats)) for party, seats in found}

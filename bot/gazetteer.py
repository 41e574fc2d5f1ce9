"""Every name the results know: parties, councils, constituencies and elections, loaded once per store."""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Literal

from bot.sources import Source, load_sources
from corpus.results.names import normalise_name, without_possessive
from corpus.store import Store

PlaceKind = Literal["council", "constituency", "ward", "candidate"]


@dataclass(frozen=True, slots=True)
class Place:
    """A council or a constituency by ONS code; a ward by its council's code and its name's key
    ("E08000035/kirkstall": ward codes change with boundaries, names seldom do); a candidate by the name's key."""

    kind: PlaceKind
    code: str
    name: str

    @property
    def council(self) -> str:
        """A ward's council (ONS code)."""
        return self.code.split("/", 1)[0]

    @property
    def key(self) -> str:
        """A ward's or a candidate's name key (normalised)."""
        return self.code.split("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class Election:
    """One election the results cover."""

    id: str
    day: date
    kind: Literal["local", "general"]
    name: str


class Gazetteer:
    """Alias tables from the store, in memory: question understanding never waits on SQL."""

    def __init__(
        self,
        party_aliases: dict[str, str],
        party_names: dict[str, str],
        place_aliases: dict[str, set[Place]],
        elections: list[Election],
        regions: dict[str, str] | None = None,
        held: dict[str, set[str]] | None = None,
        wards: dict[str, set[Place]] | None = None,
        people: dict[str, Place] | None = None,
        printed: dict[str, list[str]] | None = None,
        surnames: dict[tuple[str, str], set[str]] | None = None,
        mps: set[str] | None = None,
        yearly: dict[str, list[int]] | None = None,
        sources: dict[str, Source] | None = None,
    ) -> None:
        self.party_aliases = party_aliases
        self.party_names = party_names
        self.place_aliases = place_aliases
        self.elections = sorted(elections, key=lambda e: e.day)
        self.regions = regions or {}  # normalised name -> the region as the results spell it
        self.region_words = {w for name in self.regions for w in name.split()}
        self._held = held or {}  # place code -> the ids of the elections the results hold for that place
        self.wards = wards or {}  # a ward name's key -> the wards of that name, one per council
        self.people = people or {}  # a candidate's name key -> the candidate
        self.printed = printed or {}  # a ward's or candidate's code -> its names as the files print them
        self.yearly = yearly or {}  # a council known only by name (yearly snapshots, rosters) -> their years
        self.sources = sources or {}  # an imported file's name -> its dataset, as answers credit it
        # (place's ONS code, a surname) -> the name keys of the candidates of that surname who stood there
        self.surnames = surnames or {}
        self.mps = mps or set()  # the name keys of candidates elected at a general election the results hold
        self._surnames_anywhere: dict[str, set[str]] = defaultdict(set)
        for (_, surname), keys in self.surnames.items():
            self._surnames_anywhere[surname] |= keys
        # A constituency redrawn keeps its name and gets a new code: the codes of one name, oldest first. A
        # name is one place to mention (its newest seat); each election is answered of the seat fought then.
        self.same_named = _same_named(place_aliases, self._held, self.elections)
        if self.same_named:
            newest = {code: Place("constituency", codes[-1], "") for code, codes in self.same_named.items()}
            for alias, places in place_aliases.items():
                if any(p.code in newest for p in places):
                    place_aliases[alias] = {p for p in places if p.code not in newest or p.code == newest[p.code].code}
        self.councils = {p.code: p for places in place_aliases.values() for p in places if p.kind == "council"}
        self.places_by_first_word: dict[str, set[str]] = defaultdict(set)
        self._aliases_by_place: dict[Place, list[str]] = defaultdict(list)
        for alias, places in place_aliases.items():
            self.places_by_first_word[alias.split(" ")[0]].add(alias)
            for place in places:
                self._aliases_by_place[place].append(alias)

    @classmethod
    def load(cls, store: Store) -> Gazetteer:
        """Read every alias table (read-only)."""
        with _collector_paused():
            return cls._load(store)

    @classmethod
    def _load(cls, store: Store) -> Gazetteer:
        run = store.connection.execute
        party_names = dict(run("SELECT code, name FROM parties").fetchall())
        # Every alias of the parties people ask about; for the hundreds of local parties a results file
        # introduced, only their full names: their codes ("BIG", "Morley") are ordinary words.
        party_aliases = dict(run(
            "SELECT a.alias, a.code FROM party_aliases a JOIN parties p USING (code) "
            "WHERE p.origin = 'parties.csv' OR a.alias = norm_name(p.name) AND a.alias LIKE '% %'"
        ).fetchall())
        for code, name in party_names.items():
            if " " in normalise_name(name):
                party_aliases.setdefault(normalise_name(name), code)
        places: dict[str, set[Place]] = defaultdict(set)
        for table, kind, names in (
            ("authority_aliases", "council", "authorities"),
            ("constituency_aliases", "constituency", "constituencies"),
        ):
            rows = run(
                f"SELECT a.alias, n.ons_code, n.name FROM {table} a JOIN {names} n USING (ons_code) "
                f"UNION SELECT norm_name(name), ons_code, name FROM {names}"
            ).fetchall()
            for alias, code, name in rows:
                for variant in _everyday_variants(alias):
                    places[variant].add(Place(kind, code, name))  # type: ignore[arg-type]
        elections = [Election(*row) for row in run("SELECT id, date, kind, name FROM elections").fetchall()]
        # Regions of England and the nations of the UK, as the councils' and constituencies' rows name them.
        regions = {normalise_name(r): r for (r,) in run(
            "SELECT region FROM authorities UNION SELECT region FROM constituencies UNION SELECT country "
            "FROM constituencies").fetchall() if r}
        # Councils only Open Council Data's yearly snapshots or rosters name (no file gives their ONS code): known
        # by their full name alone, where no other place or region has it, so a question about one is answered
        # from what there is, not read as a constituency of a similar name.
        yearly: dict[str, list[int]] = {}
        for name, years in run("SELECT authority_name, list(DISTINCT year ORDER BY year) FROM ("
                               "SELECT authority_name, year FROM council_composition_by_year WHERE ons_code IS NULL "
                               "UNION ALL SELECT authority_name, year FROM councillors WHERE ons_code IS NULL) "
                               "GROUP BY authority_name").fetchall():
            key = normalise_name(name)
            if key in places or key in regions:
                continue
            council = Place("council", f"yearly:{key}", name)
            yearly[council.code] = list(years)
            places[key].add(council)
        held: dict[str, set[str]] = defaultdict(set)
        for code, election in run("SELECT ons_code, election_id FROM seats_won UNION SELECT ons_code, election_id "
                                  "FROM council_control UNION SELECT ons_code, election_id FROM constituency_results"
                                  ).fetchall():
            held[code].add(election)
        # Wards by council and name (shown by one spelling, the same each time: capitals sort before lower case, so
        # "Shipley Park" is preferred to "SHIPLEY PARK"); the elections each was fought at.
        wards: dict[str, set[Place]] = defaultdict(set)
        printed: dict[str, list[str]] = {}
        for council, key, name, fought, spellings in run(
            "SELECT ons_code, norm_name(ward_name) AS key, max(ward_name), list(DISTINCT election_id), "
            "list(DISTINCT ward_name) FROM candidacies GROUP BY ons_code, key"
        ).fetchall():
            ward = Place("ward", f"{council}/{key}", name)
            printed[ward.code] = sorted(spellings)
            wards[key].add(ward)
            wards.setdefault(normalise_name(without_possessive(name)), set()).add(ward)  # "St Michael's": St Michael
            held[ward.code] = set(fought)
        # The wards of a council known only by name, from its rosters ("Trumpington" of Cambridgeshire): no
        # election file names them, so they are asked about only as the rosters have them.
        for council_name, name, spellings in run(
            "SELECT authority_name, max(ward_name), list(DISTINCT ward_name) FROM councillors WHERE ons_code IS NULL "
            "GROUP BY authority_name, norm_name(ward_name)"
        ).fetchall():
            council_code = f"yearly:{normalise_name(council_name)}"
            if council_code in yearly:
                ward = Place("ward", f"{council_code}/{normalise_name(name)}", name)
                printed[ward.code] = sorted(spellings)
                wards[normalise_name(name)].add(ward)
                wards.setdefault(normalise_name(without_possessive(name)), set()).add(ward)
        people: dict[str, Place] = {}
        surnames: dict[tuple[str, str], set[str]] = defaultdict(set)
        mps: set[str] = set()
        for key, name, stood, spellings, areas, mp in run(
            "SELECT norm_name(candidate) AS key, max(candidate), list(DISTINCT election_id), list(DISTINCT candidate), "
            "list(DISTINCT ons_code), bool_or(mp) FROM (SELECT candidate, election_id, ons_code, elected AS mp "
            "FROM constituency_candidacies UNION ALL SELECT candidate, election_id, ons_code, false FROM candidacies) "
            "GROUP BY key HAVING key LIKE '% %'"
        ).fetchall():
            people[key] = Place("candidate", key, name)
            if mp:
                mps.add(key)
            held[key] = set(stood)
            printed[key] = sorted(spellings)
            surname = surname_of_key(key)
            for area in areas:
                if area:
                    surnames[(area, surname)].add(key)
        return cls(party_aliases, party_names, dict(places), elections, regions, dict(held), dict(wards), people,
                   printed, dict(surnames), mps, yearly, load_sources(store.connection))

    def person_by_surname(self, surname: str, areas: set[str] | None = None) -> Place | None:
        """The one candidate with that surname who stood in one of `areas`, else None. Anywhere (`areas` None),
        a surname an MP and only candidates who never won a general election share is the MP's ("Corbyn")."""
        if areas is None:
            found = self._surnames_anywhere.get(surname, set())
            if len(found) > 1:
                found = found & self.mps
        else:
            found = {key for area in areas for key in self.surnames.get((area, surname), ())}
        return self.people[next(iter(found))] if len(found) == 1 else None

    def aliases_of(self, place: Place) -> list[str]:
        """Every normalised name `place` goes by ("kingston upon hull", "hull", ...)."""
        return self._aliases_by_place.get(place, [])

    def party_name(self, code: str) -> str:
        """The everyday name of a party code."""
        return self.party_names.get(code, code)

    def elections_held_for(self, place: Place) -> list[Election]:
        """The elections the results hold anything for at this place (or any seat of its name), oldest first."""
        held = set().union(*(self._held.get(code, set()) for code in self.same_named.get(place.code, (place.code,))))
        return [e for e in self.elections if e.id in held]

    def seat_at(self, place: Place, election: Election) -> Place:
        """The seat of `place`'s name that was fought at `election` (itself unless the seat was redrawn)."""
        for code in self.same_named.get(place.code, ()):
            if election.id in self._held.get(code, set()):
                return Place(place.kind, code, place.name)
        return place

    def redrawn(self, place: Place, elections: list[Election]) -> bool:
        """The elections were fought in different seats of `place`'s name."""
        return len({self.seat_at(place, e).code for e in elections}) > 1

    def elections_of(self, kind: str | None = None, year: int | None = None) -> list[Election]:
        """Elections of a kind and/or year, oldest first."""
        return [e for e in self.elections if (kind is None or e.kind == kind) and (year is None or e.day.year == year)]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Building some 100,000 small names and sets, the cyclic garbage collector would run hundreds of times and
    find nothing to free (it tripled the load's time): it waits until the names are built."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _same_named(
    place_aliases: dict[str, set[Place]], held: dict[str, set[str]], elections: list[Election]
) -> dict[str, tuple[str, ...]]:
    """Constituency code -> the codes of every constituency of its name, oldest first (by the first election the
    results hold for each); only names that more than one code has had."""
    order = {e.id: n for n, e in enumerate(elections)}
    by_name: dict[str, set[str]] = defaultdict(set)
    for places in place_aliases.values():
        for place in places:
            if place.kind == "constituency":
                by_name[normalise_name(place.name)].add(place.code)
    same: dict[str, tuple[str, ...]] = {}
    for codes in by_name.values():
        if len(codes) > 1:
            ordered = tuple(sorted(codes, key=lambda c: (min((order.get(e, -1) for e in held.get(c, ())),
                                                             default=-1), c)))
            same.update(dict.fromkeys(ordered, ordered))
    return same


COMPASS = ("north east", "north west", "south east", "south west", "north", "south", "east", "west", "central")
FORMAL_PREFIXES = ("kingston upon ", "city of ", "the ", "great ")  # "Great Grimsby" is "Grimsby" too


def surname_of(name: str) -> str:
    """A candidate's surname, normalised: "Jo Swinson" -> swinson; "Smith S." (as the 2022 local file prints
    names) -> smith."""
    return surname_of_key(normalise_name(name))


def surname_of_key(key: str) -> str:
    """The surname of a name already normalised (a candidate's key)."""
    words = key.split()
    return next(w for w in reversed(words) if len(w) > 1 or w == words[0])


def _everyday_variants(alias: str) -> set[str]:
    """How people say a formal name: "Kingston upon Hull East" is also "Hull East" and "East Hull"."""
    variants = {alias}
    for prefix in FORMAL_PREFIXES:
        if alias.startswith(prefix) and len(alias) > len(prefix) + 3:
            variants.add(alias[len(prefix) :])
    for variant in list(variants):
        for direction in COMPASS:
            if variant.endswith(" " + direction):
                variants.add(f"{direction} {variant[: -len(direction) - 1]}")
                break
    return variants

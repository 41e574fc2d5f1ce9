"""Understand a question: which parties, places and elections it names, what it measures, what shape it wants."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

from rapidfuzz import fuzz, process

from bot.cues import Cues, read_cues
from bot.gazetteer import Gazetteer, Place
from bot.lexicon import lexicon
from bot.terms import STOPWORDS
from corpus.results.names import normalise_name

Measure = str  # a measure named in reading.yaml's measure_names
MAX_WORDS_IN_NAME = 6
FUZZY_CUTOFF = 86
# Word lists (reading.yaml): words that never name anything, words in many place names that never name a
# place alone, party codes that are ordinary words.
QUESTION_WORDS = lexicon().words["question_words"]
DIRECTIONS = lexicon().words["place_words"]
STOP_PARTY_ALIASES = lexicon().words["not_party_names"]
OTHER_BODIES = lexicon().words["other_bodies"]
EXPLAINING = lexicon().words["explaining"]
NATIONS = lexicon().words["nations"]
NOT_TOPIC = lexicon().words["not_topic"] | STOPWORDS
DETAIL_LENGTH = 4  # shorter unmatched words ("way", "now") are seldom a detail the question turns on
POSSESSIVE = re.compile(r"(?<=\w)['’]s\b")  # "Lincoln's seats" names Lincoln
YEAR = re.compile(r"(?<![0-9])(19[5-9]\d|20\d\d)(?![0-9])")  # "GE2019" names 2019 too


@dataclass(frozen=True, slots=True)
class Ambiguity:
    """A name that fits more than one place: the bot asks which."""

    mention: str
    options: tuple[Place, ...]


@dataclass(frozen=True, slots=True)
class Question:
    """What a question asks, in the results' own terms."""

    text: str
    parties: tuple[str, ...] = ()
    places: tuple[Place, ...] = ()
    ward: Place | None = None  # a ward of the council named (or of the one council that has a ward so named)
    person: Place | None = None  # a candidate named in full
    ambiguous: tuple[Ambiguity, ...] = ()
    years: tuple[int, ...] = ()
    kind: Literal["local", "general"] | None = None
    latest: bool = False
    measure: Measure | None = None
    yes_no: bool = False
    wants_list: bool = False
    direction: Literal["gain", "loss"] | None = None
    ranking: bool = False
    unknown_place: str | None = None  # words where a place name would go that name no place we know
    region: str | None = None  # "London councils", "in the North West"
    unmatched: tuple[str, ...] = field(default=())
    other_body: bool = False  # names a body or a part of the world whose totals the results do not hold
    details: tuple[str, ...] = ()  # unmatched words that are neither names nor asking for reasons
    outside_names: tuple[str, ...] = ()  # written as names, neither a place nor a party ("John Curtice", "ITV")
    topic: tuple[str, ...] = ()  # what it is about beyond names and asking words ("id cards", "council tax")
    cues: Cues = Cues()  # what the wording says beyond names and measure (asks why, follow-up form…)

    @property
    def two_parties(self) -> bool:
        """Names two parties ("…take off the SNP", "Labour v the Tories")."""
        return len(self.parties) == 2

    @property
    def many_details(self) -> bool:
        """Asks about more than the results hold ("…had the Lib Dems gained by 9am the morning after")."""
        return len(self.details) >= 2


def understand(text: str, gazetteer: Gazetteer) -> Question:
    """Find the parties, places, years, election kind and measure a question names."""
    norm = normalise_name(POSSESSIVE.sub("", text))
    words = norm.split()
    name_like = _name_like(text)
    person_like = _name_like(POSSESSIVE.sub("", text))
    parties, mentions, used, ward, person = _find_names(words, gazetteer, name_like, person_like,
                                                        lowered=text == text.lower())
    years = tuple(dict.fromkeys(int(y) for y in YEAR.findall(norm)))
    region = next(((n, r) for n, r in sorted(gazetteer.regions.items(), key=lambda i: -len(i[0]))
                   if re.search(rf"\b{re.escape(n)}\b", norm)), None)
    # The kind of election is read from the words that name nothing: naming Westminster council is no
    # mention of Westminster, the Parliament.
    kind = _election_kind(" ".join(w for i, w in enumerate(words) if i not in used), years, gazetteer)
    places, ambiguous = _settle_kind(mentions, kind)
    if isinstance(ward, Ambiguity):
        # a ward's council found only as a misspelling ("Park ward" in "Wolverhamton")
        councils = {p.code for p in places if p.kind == "council"}
        of_council = [o for o in ward.options if o.council in councils]
        ward = of_council[0] if len(of_council) == 1 else ward
    if region and any(region[0] in normalise_name(p.name) for p in places):
        region = None  # "North East Lincolnshire" is a council, not the North East
    kind = kind or _kind_of_places(places)
    measure = lexicon().measure(norm, kind, bool(parties))
    shapes = lexicon().shapes
    cues = read_cues(text)
    unmatched = tuple(
        w for i, w in enumerate(words)
        if i not in used and w not in QUESTION_WORDS and not w.isdigit() and not (region and w in region[0])
    )
    return Question(
        text=text,
        parties=tuple(dict.fromkeys(parties)),
        places=tuple(dict.fromkeys(places)),
        ward=ward if isinstance(ward, Place) else None,
        person=person,
        ambiguous=tuple(ambiguous) + ((ward,) if isinstance(ward, Ambiguity) else ()),
        years=years,
        kind=kind,
        latest=bool(shapes["latest"].search(norm)) and not years,
        measure=measure,
        yes_no=bool(shapes["yes_no"].search(norm)),
        wants_list=bool(shapes["wants_list"].search(norm)),
        direction="loss" if shapes["loss"].search(norm) else "gain" if shapes["gain"].search(norm) else None,
        ranking=bool(shapes["ranking"].search(norm)),
        unknown_place=None if places or ambiguous or region else _unknown_place(words, used, name_like),
        region=region[1] if region else None,
        cues=cues,
        unmatched=unmatched,
        other_body=bool(OTHER_BODIES & set(unmatched)),
        details=tuple(w for w in unmatched if len(w) >= DETAIL_LENGTH and w not in EXPLAINING),
        outside_names=tuple(w for w in dict.fromkeys(unmatched) if w in cues.capitalised and w not in NATIONS),
        topic=tuple(w for w in dict.fromkeys(words) if w not in NOT_TOPIC and not w.isdigit()),
    )


def _name_like(text: str) -> set[str]:
    """Words written as names: capitalised ones, or every word of a question typed all in lower case of six
    letters or more. (A possessive stays on: "Corbyn's" is no misspelt Corby; a person's name is read
    without it, see `understand`.)"""
    if text == text.lower():
        return {part for w in text.split() for part in normalise_name(w).split() if len(part) >= 6}
    return {part for w in re.findall(r"\b[A-Z][\w'’-]+", text) for part in normalise_name(w).split()}


def _find_names(
    words: list[str], gazetteer: Gazetteer, name_like: set[str], person_like: set[str], lowered: bool = False
) -> tuple[list[str], list[Ambiguity], set[int], Place | Ambiguity | None, Place | None]:
    """Party codes, and place mentions with their candidate places: exact aliases longest first, then a
    ward and a candidate, then names that only start a place's name ("Richmond"), then small misspellings
    ("Barnett")."""
    parties: list[tuple[int, str]] = []
    mentions: list[tuple[int, Ambiguity]] = []
    used: set[int] = set()
    for size in range(min(MAX_WORDS_IN_NAME, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            span = set(range(start, start + size))
            if span & used:
                continue
            phrase = " ".join(words[start : start + size])
            if size == 1 and (phrase in QUESTION_WORDS or phrase.isdigit()):
                continue
            found = gazetteer.place_aliases.get(phrase)
            party = gazetteer.party_aliases.get(phrase) if phrase not in STOP_PARTY_ALIASES else None
            if found:
                mentions.append((start, Ambiguity(phrase, tuple(sorted(found, key=_place_order)))))
                used |= span
            elif party:
                parties.append((start, party))
                used |= span
    exact_place_found = bool(mentions)
    ward = _find_ward(words, used, mentions, parties, gazetteer)
    person = _find_person(words, used, parties, gazetteer, person_like, lowered)
    exactly = len(mentions)
    for start, word in enumerate(words):
        if start in used or word in QUESTION_WORDS or word in DIRECTIONS or word in NATIONS or len(word) < 4 \
                or word.isdigit():
            continue
        if word not in name_like:
            continue  # "red wall" is not Wallasey: only a word written as a name is guessed at
        prefixed = _places_starting_with(word, gazetteer)
        if prefixed:
            mentions.append((start, Ambiguity(word, tuple(sorted(prefixed, key=_place_order)))))
            used.add(start)
            continue
        # A misspelt place is only guessed at when the question names no place exactly ("Corbyn" is not
        # "Corby"); a misspelt party always is.
        match = _fuzzy(words, start, used, gazetteer, places=not exact_place_found)
        if match:
            size, value = match
            if isinstance(value, tuple):
                mentions.append((start, Ambiguity(" ".join(words[start : start + size]), value)))
            else:
                parties.append((start, value))
            used |= set(range(start, start + size))
    if ward is None and len(mentions) > exactly:
        ward = _find_ward(words, used, mentions, parties, gazetteer)  # of a council found only misspelt
    return [c for _, c in sorted(parties)], [m for _, m in sorted(mentions, key=lambda x: x[0])], used, ward, person


def _find_ward(
    words: list[str], used: set[int], mentions: list[tuple[int, Ambiguity]], parties: list[tuple[int, str]],
    gazetteer: Gazetteer,
) -> Place | Ambiguity | None:
    """A ward named among the words no other name took: one of a council the question names, or one said to
    be a ward ("Castle ward") when a single council has a ward so named; when several do, an ambiguity. A
    place's or a party's name inside a name said to be a ward ("Buckingham ward", "Heald Green ward", "Leigh
    West ward") is the ward's. Ward names are everyday words ("Park", "Abbey", "Central"), so nothing else
    makes one a ward."""
    for size in range(min(MAX_WORDS_IN_NAME, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            span = set(range(start, start + size))
            phrase = " ".join(words[start : start + size])
            found = gazetteer.wards.get(phrase)
            if not found or size == 1 and phrase in QUESTION_WORDS:
                continue
            said = "ward" in words[start + size : start + size + 1] or "ward" in words[max(0, start - 1) : start]
            taken = [m for m in mentions if set(range(m[0], m[0] + len(m[1].mention.split()))) <= span]
            named = [p for p in parties if p[0] in span]
            inside = {i for m in taken for i in range(m[0], m[0] + len(m[1].mention.split()))} | {p[0] for p in named}
            if span & used and not span & used <= inside:
                continue
            others = [m for m in mentions if m not in taken]
            councils = {o.code for _, mention in others for o in mention.options if o.kind == "council"}
            of_council = [w for w in found if w.council in councils]
            if len(of_council) > 1:  # "St. James" and "St James's" in one council: the one spelt as asked
                of_council = [w for w in of_council if w.key == phrase] or of_council
            if not (len(of_council) == 1 or said):
                continue
            if span & used and not (said or len(of_council) == 1 and len(span) > len(span & used)):
                continue  # a name inside it is the ward's only when it is said to be a ward, or is the longer name
            for mention in taken:
                mentions.remove(mention)
            for party in named:
                parties.remove(party)
            used |= span
            if len(of_council) != 1 and len(found) > 1:
                return Ambiguity(phrase, tuple(sorted(found, key=lambda w: gazetteer.councils[w.council].name
                                                      if w.council in gazetteer.councils else w.council)))
            ward = of_council[0] if of_council else next(iter(found))
            if ward.council not in councils and ward.council in gazetteer.councils:
                council = gazetteer.councils[ward.council]
                mentions.append((start, Ambiguity(council.name, (council,))))
            return ward
    return None


def _find_person(words: list[str], used: set[int], parties: list[tuple[int, str]], gazetteer: Gazetteer,
                 name_like: set[str], lowered: bool = False) -> Place | None:
    """A candidate named in full ("Jo Swinson"), among words written as names that no place took; a party's
    code inside the name ("Ed Targett": ED, the English Democrats) is the name's."""
    for size in (4, 3, 2):
        for start in range(len(words) - size + 1):
            span = set(range(start, start + size))
            named = [p for p in parties if p[0] in span]
            # in a question typed in lower case, a full name is a name however short its words
            written_as_name = lowered or all(w in name_like for w in words[start : start + size])
            if span & used - {p[0] for p in named} or not written_as_name:
                continue
            found = gazetteer.people.get(" ".join(words[start : start + size]))
            if found:
                for party in named:
                    parties.remove(party)
                used |= span
                return next(iter(found))
    return None


def _place_order(place: Place) -> tuple[str, str]:
    return (place.kind, place.name)


def _places_starting_with(word: str, gazetteer: Gazetteer) -> set[Place]:
    """Places whose name starts with `word` when `word` alone names none ("Richmond")."""
    found: set[Place] = set()
    for first, aliases in gazetteer.places_by_first_word.items():
        if first.startswith(word) and len(first) - len(word) <= 5:
            for alias in aliases:
                found |= gazetteer.place_aliases[alias]
    return found


def _fuzzy(
    words: list[str], start: int, used: set[int], gazetteer: Gazetteer, places: bool = True
) -> tuple[int, tuple[Place, ...] | str] | None:
    """A small misspelling of a place or party name starting at `start` ("Barnett", "Peterborogh")."""
    best: tuple[float, int, tuple[Place, ...] | str] | None = None
    for size in (3, 2, 1):
        span = range(start, start + size)
        if start + size > len(words) or any(i in used or words[i] in QUESTION_WORDS for i in span):
            continue
        phrase = " ".join(words[start : start + size])
        for choices, is_place in ((gazetteer.place_aliases, True), (gazetteer.party_aliases, False)):
            if is_place and not places:
                continue
            hit = process.extractOne(phrase, choices.keys(), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            if hit and (best is None or hit[1] > best[0]):
                value: tuple[Place, ...] | str
                if is_place:
                    value = tuple(sorted(gazetteer.place_aliases[hit[0]], key=_place_order))
                else:
                    value = gazetteer.party_aliases[hit[0]]
                best = (hit[1], size, value)
    return (best[1], best[2]) if best else None


def _election_kind(norm: str, years: tuple[int, ...], gazetteer: Gazetteer) -> Literal["local", "general"] | None:
    """The kind of election named in words, else the only kind held in the years named."""
    for kind in ("general", "local"):
        if lexicon().kinds[kind].search(norm):
            return kind
    kinds = {e.kind for e in gazetteer.elections if e.day.year in years}
    return kinds.pop() if len(kinds) == 1 else None


def _kind_of_places(places: list[Place]) -> Literal["local", "general"] | None:
    kinds = {p.kind for p in places}
    if kinds == {"council"}:
        return "local"
    if kinds == {"constituency"}:
        return "general"
    return None


def _settle_kind(
    mentions: list[Ambiguity], kind: str | None
) -> tuple[list[Place], list[Ambiguity]]:
    """Each mention becomes one place, or an ambiguity to ask about.

    The election kind picks between a council and a constituency of one name; a mention whose
    places are all of the other kind keeps them, so the answer can say what the results do cover.
    """
    wanted = {"local": "council", "general": "constituency"}.get(kind or "")
    places: list[Place] = []
    ambiguous: list[Ambiguity] = []
    for mention in mentions:
        fitting = tuple(o for o in mention.options if o.kind == wanted) or mention.options
        if len({(o.kind, o.code) for o in fitting}) == 1:
            places.append(fitting[0])
        else:
            ambiguous.append(Ambiguity(mention.mention, fitting))
    return places, ambiguous


def _unknown_place(words: list[str], used: set[int], name_like: set[str]) -> str | None:
    """Unrecognised words right after "in", "at" or "for", or a name just before the year: where people put a
    place name."""
    for index, word in enumerate(words[:-1]):
        if word in {"in", "at", "for"}:
            following = []
            for position in range(index + 1, min(index + 4, len(words))):
                candidate = words[position]
                if position in used or candidate in QUESTION_WORDS or candidate.isdigit():
                    break
                following.append(candidate)
            if following:
                return " ".join(following)
    for index, word in enumerate(words[1:], start=1):
        # "…won norwich 2018": an unknown name just before the year is where a place was meant
        before = words[index - 1]
        if YEAR.fullmatch(word) and index - 1 not in used and before in name_like and before not in QUESTION_WORDS:
            return before
    return None


def with_text(question: Question, text: str) -> Question:
    """The question asked in other words (a follow-up written out, an article's title taken out): its cues
    are read again from them, its names kept."""
    return replace(question, text=text, cues=read_cues(text))

"""Understand a question: which parties, places and elections it names, what it measures, what shape it wants."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

from bot.cues import Cues, read_cues
from bot.gazetteer import Gazetteer, Place
from bot.lexicon import lexicon
from bot.mentions import NATIONS, QUESTION_WORDS, Ambiguity, find_names, settle_kind
from bot.terms import STOPWORDS
from corpus.results.names import normalise_name, without_possessive

Measure = str  # a measure named in reading.yaml's measure_names
# Word lists (reading.yaml): bodies whose totals the results lack, words asking for reasons, non-topic words.
OTHER_BODIES = lexicon().words["other_bodies"]
EXPLAINING = lexicon().words["explaining"]
NOT_TOPIC = lexicon().words["not_topic"] | STOPWORDS
DETAIL_LENGTH = 4  # shorter unmatched words ("way", "now") are seldom a detail the question turns on
PLACE_TITLES = {"council", "district", "borough", "ward", "constituency"}  # what a place is called after its name
NTH = re.compile(r"\d{1,2}(st|nd|rd|th)")
YEAR = re.compile(r"(?<![0-9])(19[5-9]\d|20\d\d)(?![0-9])")  # "GE2019" names 2019 too


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
    region: str | None = None  # "London councils", "in the North West", "in Scotland"
    council_type: str | None = None  # "the metropolitan boroughs": the type of council a question about many asks of
    position: int | None = None  # the place in the order of votes asked ("who came third": 3; "last": 0)
    unmatched: tuple[str, ...] = field(default=())
    other_body: bool = False  # names a body or a part of the world whose totals the results do not hold
    details: tuple[str, ...] = ()  # unmatched words that are neither names nor asking for reasons
    outside_names: tuple[str, ...] = ()  # written as names, neither a place nor a party ("John Curtice", "ITV")
    topic: tuple[str, ...] = ()  # what it is about beyond names and asking words ("id cards", "council tax")
    cues: Cues = Cues()  # what the wording says beyond names and measure (asks why, follow-up form…)

    @property
    def scoped(self) -> bool:
        """Asks of a part of the country or a type of council, not of all the results hold."""
        return self.region is not None or self.council_type is not None

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
    norm = normalise_name(without_possessive(text))  # "Lincoln's seats" names Lincoln
    words = norm.split()
    name_like = _name_like(text)
    person_like = _name_like(without_possessive(text))
    cues = read_cues(text)
    # a surname alone names a candidate anywhere only in a question about the results, not about the coverage
    anywhere = not (cues.points_at_coverage or cues.explains or cues.attributed)
    parties, mentions, used, ward, person = find_names(words, gazetteer, name_like, person_like,
                                                        lowered=text == text.lower(), surnames_anywhere=anywhere,
                                                        one_ward=not cues.across_wards)
    years = tuple(dict.fromkeys(int(y) for y in YEAR.findall(norm)))
    region = next(((n, r) for n, r in sorted(gazetteer.regions.items(), key=lambda i: -len(i[0]))
                   if re.search(rf"\b{re.escape(n)}\b", norm)), None)
    if region is None and (by_adjective := lexicon().nation_scope(norm)) is not None:
        nation, adjective = by_adjective  # "Welsh seats": Wales, where the results name it
        region = (adjective, nation) if nation in gazetteer.regions.values() else None
    # The kind of election is read from the words that name nothing: naming Westminster council is no
    # mention of Westminster, the Parliament.
    kind = _election_kind(" ".join(w for i, w in enumerate(words) if i not in used), years, gazetteer)
    places, ambiguous = settle_kind(mentions, kind)
    if kind is None and any({o.kind for o in a.options} == {"council", "constituency"} for a in ambiguous):
        places, ambiguous = settle_kind(mentions, _kind_of_measure(norm, bool(parties)))
    if isinstance(ward, Ambiguity):
        # a ward's council found only as a misspelling ("Park ward" in "Wolverhamton")
        councils = {p.code for p in places if p.kind == "council"}
        of_council = [o for o in ward.options if o.council in councils]
        ward = of_council[0] if len(of_council) == 1 else ward
    if region and any(region[0] in normalise_name(p.name) for p in places):
        region = None  # "North East Lincolnshire" is a council, not the North East
    kind = kind or _kind_of_places(places)
    council_type = lexicon().council_type(norm) if not places else None  # (the type, its words, where)
    if council_type and council_type[2]:
        before = council_type[2] - 1
        name = words[before]
        if before not in used and name in name_like and name not in QUESTION_WORDS and not (
                region and name in region[0].split()):
            council_type = None  # "Ankh-Morpork District Council" is a council's title; "London boroughs" a scope
    measure = lexicon().measure(norm, kind, bool(parties))
    shapes = lexicon().shapes
    unmatched = tuple(
        w for i, w in enumerate(words)
        if i not in used and w not in QUESTION_WORDS and not w.isdigit() and not (region and w in region[0])
        and not (council_type and w in council_type[1])
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
        unknown_place=None if places or ambiguous or region or council_type else _unknown_place(words, used, name_like),
        region=region[1] if region else None,
        council_type=council_type[0] if council_type else None,
        position=_position(words) if measure == "placed" else None,
        cues=cues,
        unmatched=unmatched,
        other_body=bool(OTHER_BODIES & set(unmatched)),
        details=tuple(w for w in unmatched if len(w) >= DETAIL_LENGTH and w not in EXPLAINING),
        outside_names=tuple(w for w in dict.fromkeys(unmatched) if w in cues.capitalised and w not in NATIONS),
        topic=tuple(w for w in dict.fromkeys(words) if w not in NOT_TOPIC and not w.isdigit()),
    )


def _position(words: list[str]) -> int | None:
    """The place in the order of votes a question names: "third" -> 3, "9th" -> 9, "last" -> 0."""
    for word in words:
        if word in lexicon().ordinals:
            return lexicon().ordinals[word]
        if NTH.fullmatch(word):
            return int(word[:-2])
    return None


def _name_like(text: str) -> set[str]:
    """Words written as names: capitalised ones, or every word of a question typed all in lower case of six
    letters or more. (A possessive stays on: "Corbyn's" is no misspelt Corby; a person's name is read
    without it, see `understand`.)"""
    if text == text.lower():
        return {part for w in text.split() for part in normalise_name(w).split() if len(part) >= 6}
    return {part for w in re.findall(r"\b[A-Z][\w'’-]+", text) for part in normalise_name(w).split()}


def _election_kind(norm: str, years: tuple[int, ...], gazetteer: Gazetteer) -> Literal["local", "general"] | None:
    """The kind of election named in words, else the only kind held in the years named."""
    for kind in ("general", "local"):
        if lexicon().kinds[kind].search(norm):
            return kind
    kinds = {e.kind for e in gazetteer.elections if e.day.year in years}
    return kinds.pop() if len(kinds) == 1 else None


def _kind_of_measure(norm: str, party: bool) -> Literal["local", "general"] | None:
    """The kind of election a question is read of when only one kind of place has what it asks: a constituency's
    majority ("Labour's majority in Chorley"). A winner or a turnout either has, so a name both have stays a
    question to ask back."""
    from bot.registry import registry  # the registry reads questions: imported where it is needed

    readable = []
    for kind, where in (("local", "council"), ("general", "constituency")):
        measure = lexicon().measure(norm, kind, party)
        if measure is not None and any(i.where == where and measure in i.measures for i in registry().intents):
            readable.append(kind)
    return readable[0] if len(readable) == 1 else None  # type: ignore[return-value]


def _kind_of_places(places: list[Place]) -> Literal["local", "general"] | None:
    kinds = {p.kind for p in places}
    if kinds == {"council"}:
        return "local"
    if kinds == {"constituency"}:
        return "general"
    return None


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
        # "Ankh-Morpork District Council", "Narnia ward": unknown names just before what a place is called
        if word in PLACE_TITLES and index - 1 not in used and words[index - 1] in name_like:
            named = [w for i, w in enumerate(words[max(0, index - 3) : index], start=max(0, index - 3))
                     if i not in used and w in name_like and w not in QUESTION_WORDS]
            if named:
                return " ".join(named)
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

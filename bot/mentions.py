"""Finding names in a question's words: parties and places by their aliases, then a ward, a candidate, names
that only start a place's name, small misspellings; each place mention settled to one place or asked about."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.gazetteer import Gazetteer, Place
from bot.lexicon import lexicon
from bot.terms import STOPWORDS

MAX_WORDS_IN_NAME = 6
FUZZY_CUTOFF = 86
# Word lists (reading.yaml): words that never name anything, words in many place names that never name a
# place alone, party codes that are ordinary words, nationalities.
QUESTION_WORDS = lexicon().words["question_words"]
DIRECTIONS = lexicon().words["place_words"]
# Words that name no party, however a file abbreviates one (the Heritage Party is "HER"; "her" is no party).
STOP_PARTY_ALIASES = lexicon().words["not_party_names"] | STOPWORDS
NATIONS = lexicon().words["nations"]


@dataclass(frozen=True, slots=True)
class Ambiguity:
    """A name that fits more than one place: the bot asks which."""

    mention: str
    options: tuple[Place, ...]


def find_names(
    words: list[str], gazetteer: Gazetteer, name_like: set[str], person_like: set[str], lowered: bool = False,
    surnames_anywhere: bool = True, one_ward: bool = True,
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
    # a question about a council's wards ("Who won each Brent ward?") names no one ward
    ward = _find_ward(words, used, mentions, parties, gazetteer) if one_ward else None
    person = _find_person(words, used, parties, gazetteer, person_like, lowered) or _find_surname(
        words, used, mentions, gazetteer, person_like, anywhere=surnames_anywhere and not lowered)
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
    if ward is None and one_ward and len(mentions) > exactly:
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
                return found
    return None


def _find_surname(words: list[str], used: set[int], mentions: list[tuple[int, Ambiguity]], gazetteer: Gazetteer,
                  name_like: set[str], anywhere: bool) -> Place | None:
    """A candidate named by surname alone, written as a name: where the question names the place they stood,
    when no other candidate there had that surname ("How did Swinson do in East Dunbartonshire?"); where it
    names no place, when no other candidate anywhere had it ("How did Swinson do?"), and `anywhere` allows it
    (not in a question typed all in lower case, where too many surnames are everyday words)."""
    codes = {o.code for _, mention in mentions for o in mention.options}
    if not codes and not anywhere:
        return None
    for start, word in enumerate(words):
        if start in used or word not in name_like or word in QUESTION_WORDS or word in NATIONS \
                or word in DIRECTIONS or word in gazetteer.region_words:
            continue  # "the North West" names no Catherine West
        if not codes and start == 0:
            continue  # "Rank the councils…": a sentence's first word is capitalised whatever it is
        if start + 1 < len(words) and start + 1 not in used and words[start + 1] in name_like:
            continue  # "Rees-Mogg": the surname is the name's last word, and the whole must match
        first = start
        while first > 0 and first - 1 not in used and words[first - 1] in name_like and words[first - 1] not in \
                QUESTION_WORDS:
            first -= 1
        found = gazetteer.person_by_surname(word, codes or None)
        if found is not None and found.code.endswith(" ".join(words[first : start + 1])):
            used.update(range(first, start + 1))
            return found
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


def settle_kind(
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

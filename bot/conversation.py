"""Conversations: what each turn was about, and how a follow-up borrows from the turn before it.

"And the Conservatives?", "What about 2018?", "And Trafford?" keep the last question and swap one thing;
"Why?" asks the coverage to explain the last answer; "Which of those did Labour win?" narrows the places
the last answer listed. A follow-up with nothing to borrow from is asked about, not guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

from bot.answer import Answer, Route
from bot.cues import read_cues
from bot.gazetteer import Gazetteer, Place, surname_of
from bot.lexicon import lexicon
from bot.registry import everyday, registry
from bot.understand import Question, with_text
from corpus.results.names import normalise_name, without_possessive

MAX_TURNS = 20  # kept per conversation; a follow-up only ever looks one back
FollowKind = Literal["new", "same", "why", "among", "unclear"]

# A question's shape: carried over from the last turn when the follow-up only names something new.
SHAPE = ("measure", "yes_no", "wants_list", "direction", "ranking", "latest", "region")
@dataclass(frozen=True, slots=True)
class Turn:
    """One question and what it was understood to be about, kept so the next turn can refer back to it."""

    asked: str  # what the person typed
    text: str  # the question as resolved (a follow-up written out in full)
    route: Route
    parties: tuple[str, ...] = ()
    places: tuple[Place, ...] = ()
    years: tuple[int, ...] = ()
    kind: Literal["local", "general"] | None = None
    ward: Place | None = None
    person: Place | None = None
    options: tuple[Place, ...] = ()  # the places its answer asked the person to choose between
    shape: dict[str, Any] = field(default_factory=dict)
    listed: tuple[Place, ...] = ()  # places the answer's rows name, for "which of those…"
    answered_by: tuple[str, ...] = ()  # the parties the answer's rows name, for "Why?" after "Who won…?"
    follow: FollowKind = "new"  # how this turn followed the one before ("why" and "among" carry on)
    intent: str | None = None  # the registry intent that answered it from the results
    topic: tuple[str, ...] = ()  # what the conversation is about, beyond its names ("id cards")

    def to_json(self) -> dict[str, Any]:
        """A plain-JSON form for the session store."""
        def place(p: Place) -> list[str]:
            return [p.kind, p.code, p.name]
        return {"asked": self.asked, "text": self.text, "route": self.route, "parties": list(self.parties),
                "places": [place(p) for p in self.places], "years": list(self.years), "kind": self.kind,
                "shape": self.shape, "listed": [place(p) for p in self.listed], "answered_by": list(self.answered_by),
                "follow": self.follow, "intent": self.intent, "topic": list(self.topic),
                "ward": place(self.ward) if self.ward else None, "person": place(self.person) if self.person else None,
                "options": [place(p) for p in self.options]}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Turn:
        """The inverse of `to_json`."""
        return cls(
            asked=raw["asked"], text=raw["text"], route=raw["route"], parties=tuple(raw["parties"]),
            places=tuple(Place(*p) for p in raw["places"]), years=tuple(raw["years"]), kind=raw["kind"],
            shape=raw["shape"], listed=tuple(Place(*p) for p in raw["listed"]),
            answered_by=tuple(raw.get("answered_by", ())), follow=raw.get("follow", "new"), intent=raw.get("intent"),
            topic=tuple(raw.get("topic", ())), ward=Place(*raw["ward"]) if raw.get("ward") else None,
            person=Place(*raw["person"]) if raw.get("person") else None,
            options=tuple(Place(*p) for p in raw.get("options", ())),
        )


class Conversation:
    """The turns of one session, oldest first (mutable: each answer adds a turn)."""

    def __init__(self, session_id: str, turns: list[Turn] | None = None) -> None:
        self.session_id = session_id
        self.turns: list[Turn] = list(turns or [])

    @property
    def last(self) -> Turn | None:
        """The turn a follow-up refers to."""
        return self.turns[-1] if self.turns else None

    def add(self, turn: Turn) -> None:
        """Remember a turn, keeping the most recent MAX_TURNS."""
        self.turns = [*self.turns, turn][-MAX_TURNS:]


@dataclass(frozen=True, slots=True)
class FollowUp:
    """How a question relates to the last turn, and the question to answer once that is taken into account."""

    kind: FollowKind
    question: Question
    previous: Turn | None = None


def resolve(question: Question, last: Turn | None, gazetteer: Gazetteer) -> FollowUp:
    """Read a question in the light of the turn before it (None: the conversation is new)."""
    text, cues = question.text, question.cues
    if cues.why_alone:
        if last is None or last.route == "none":
            return FollowUp("unclear", question)
        return FollowUp("why", _why(last, gazetteer), last)
    # a reply to "Which one do you mean?" is short and asks nothing of its own ("in Cambridge", "the council")
    replies = last is not None and question.measure is None and len(text.split()) <= 6
    chosen = _chosen(question, last.options, gazetteer) if replies and last is not None else None
    if chosen is not None and last is not None:
        # "…could mean Castle ward (Cambridge) or … Which one?" "In Cambridge": the last question, of that one
        ward = chosen if chosen.kind == "ward" else None
        council = gazetteer.councils.get(chosen.council) if ward else chosen
        picked = replace(question, places=(council,) if council else (), ward=ward, ambiguous=(),
                         kind="local" if chosen.kind in ("ward", "council") else "general")
        return FollowUp("same", _borrow(picked, replace(last, places=()), gazetteer, keep_shape=True), last)
    if cues.among:
        if last is None or not last.listed:
            return FollowUp("unclear", question)
        return FollowUp("among", _borrow(question, last, gazetteer, keep_shape=False), last)
    person = _surname_in_context(question, last, gazetteer) if last is not None else None
    if person is not None and last is not None:
        # "How did Houghton do?" after "Who won Hartlepool in 2019?": the candidate of that surname who stood there
        places = tuple(p for p in question.places if not normalise_name(p.name).startswith(surname_of(person.name)))
        named = replace(question, person=person, places=places, ambiguous=(), outside_names=(), unknown_place=None)
        return FollowUp("same", _borrow(named, last, gazetteer, keep_shape=question.measure is None), last)
    reference = _reference(question)
    if reference is None and last is not None and last.route == "sql" and _asks_a_detail(question, last):
        reference = "pointing"  # "What was the turnout?" after "Who won Hartlepool?": Hartlepool's
    if reference == "pointing" and (last is None or last.route == "none"):
        # A whole question that says "their" or "it" with nothing before it is read as it stands; only a
        # short one that names nothing ("How many votes did they get there?") needs asking about.
        names = question.parties or question.places or question.years or question.unmatched
        reference = "elliptical" if not names and len(text.split()) <= 8 else None
    if reference is None:
        return FollowUp("new", question)
    if last is None or last.route == "none":
        return FollowUp("unclear", question)
    if reference == "pointing":
        borrowed = _borrow(question, last, gazetteer, keep_shape=False)
        if cues.asks_why and last.intent is not None:
            return FollowUp("why", _why(_as_turn(borrowed, last), gazetteer), last)  # "Why did they win it?"
        return FollowUp("same", borrowed, last)  # "Why were they controversial?" keeps its words, and the subject
    borrowed = _borrow(question, last, gazetteer, keep_shape=question.measure is None)
    if last.follow in ("why", "among") and question.measure is None:
        # "Why?" then "And Trafford?": why, for Trafford; "Which of those did Labour win?" then "And the
        # Tories?": the same list narrowed again.
        if last.follow == "why":
            return FollowUp("why", _why(_as_turn(borrowed, last), gazetteer), last)
        return FollowUp("among", borrowed, last)
    return FollowUp("same", borrowed, last)


def _chosen(question: Question, options: tuple[Place, ...], gazetteer: Gazetteer) -> Place | None:
    """The one of the places a clarifying question offered that the reply picks: by the council or the
    place it names, or by the kind of election it says ("the council one")."""
    if not options:
        return None
    named = {p.code for p in question.places} | {o.code for a in question.ambiguous for o in a.options}
    fits = [o for o in options if (o.council if o.kind == "ward" else o.code) in named]
    if not fits and question.kind:
        fits = [o for o in options if (o.kind in ("council", "ward")) == (question.kind == "local")]
    return fits[0] if len(fits) == 1 else None


def _reference(question: Question) -> Literal["elliptical", "pointing"] | None:
    """Elliptical ("And Trafford?"), pointing back ("How many did they win there?"), or neither."""
    text = question.text
    names = bool(question.parties or question.places or question.years or question.region or question.ward
                 or question.person)
    if question.cues.opener and len(text.split()) <= 8:
        return "elliptical"
    if names and question.measure is None and len(text.split()) <= 4 and not question.ambiguous:
        return "elliptical"  # "Trafford?", "The Lib Dems in 2018?"
    if question.cues.pronoun and not (question.parties and (question.places or question.region)):
        return "pointing"
    return None


def _surname_in_context(question: Question, last: Turn, gazetteer: Gazetteer) -> Place | None:
    """A word written as a name that is the surname of one candidate in the place the last turn was about, and
    names no place exactly ("Houghton" after Hartlepool is its candidate, not Houghton and Sunderland South)."""
    if question.person is not None or question.ward:
        return None
    areas = {p.code for p in last.places} | ({last.ward.council} if last.ward and last.ward.council else set())
    words = [w for w in sorted(question.cues.capitalised) if w not in gazetteer.place_aliases]
    found = [p for w in words if (p := gazetteer.person_by_surname(w, areas)) is not None]
    return found[0] if len(found) == 1 and areas else None


def _asks_a_detail(question: Question, last: Turn) -> bool:
    """Asks a figure of one place, person or ward, names none, and follows an answer about one."""
    names = (question.parties or question.places or question.years or question.region or question.ward
             or question.person or question.ambiguous or question.unknown_place)
    return (question.measure in lexicon().details_of_one and not names and bool(last.places or last.ward or last.person)
            and not (question.ranking or question.wants_list or question.cues.across_wards))


def _borrow(question: Question, last: Turn, gazetteer: Gazetteer, keep_shape: bool) -> Question:
    """The question with whatever it does not name taken from the last turn.

    An elliptical follow-up ("And the Lib Dems?") becomes the last question with the new names written
    in ("How many seats did the Lib Dems win in Hull in 2018?"); a whole question that only points back
    ("How many votes did they get there?") keeps its own words and borrows the names.
    """
    across = question.cues.across_wards and last.ward is not None and not question.ward
    council = gazetteer.councils.get(last.ward.council) if across and last.ward else None
    changes: dict[str, Any] = {
        # "they" after "Who won Hartlepool?" are the winners the answer named
        "parties": question.parties or last.parties or (last.answered_by if question.cues.they else ()),
        # A region named anew ("And in London?") replaces the last turn's places rather than joining them.
        "places": question.places or (() if question.region else (council,) if council else last.places),
        "years": question.years or last.years,
        "kind": question.kind or (None if question.places else last.kind),
        # a ward or a candidate talked about carries on until another place or person is named, or the
        # question turns to the council's wards ("And the other wards in that council?")
        "ward": question.ward or (last.ward if not (question.places or question.person or across) else None),
        "person": question.person or (last.person if not question.places and not question.ward else None),
    }
    if question.measure is None and changes["kind"] and not question.kind:
        # "What was his majority?" after a general election's answer: a majority as a general election has it
        norm = normalise_name(without_possessive(question.text))
        changes["measure"] = lexicon().measure(norm, changes["kind"], bool(changes["parties"]))
    if keep_shape:
        changes.update({k: v for k, v in last.shape.items() if k in SHAPE})
        changes["text"] = _rewrite(last, question, gazetteer, each_ward=across)
    elif question.measure is None:
        # "What did their leader say about it?", "Who proposed them?": the names it points at, and what the
        # conversation is about, go with its words to the coverage.
        borrowed = [everyday(gazetteer.party_name(p)) for p in changes["parties"] if p not in question.parties]
        borrowed += [p.name for p in changes["places"] if p not in question.places]
        borrowed += [str(y) for y in changes["years"] if y not in question.years]
        named = {w for name in borrowed for w in normalise_name(name).split()}
        subject = [w for w in last.topic if w not in question.topic and w not in named]
        changes["topic"] = tuple(dict.fromkeys(question.topic + last.topic))
        if borrowed or subject:
            changes["text"] = f"{question.text} ({', '.join(borrowed + ([' '.join(subject)] if subject else []))})"
    if question.ambiguous and last.kind and not question.places:
        # "And Wakefield?" after a council's control: the council, not the constituency of that name.
        wanted = "council" if last.kind == "local" else "constituency"
        settled = [[p for p in a.options if p.kind == wanted] for a in question.ambiguous]
        if all(len(options) == 1 for options in settled):
            changes.update(places=tuple(options[0] for options in settled), ambiguous=(), kind=last.kind)
    if changes["places"]:
        changes["unknown_place"] = None
    text = changes.pop("text", None)
    resolved = replace(question, **changes)
    return with_text(resolved, text) if text is not None else resolved


def _rewrite(last: Turn, question: Question, gazetteer: Gazetteer, each_ward: bool = False) -> str:
    """The last question with the follow-up's parties, places and years written in place of its own (and,
    `each_ward`, its ward's name by "each": "Who won each ward in Leeds in 2022?")."""
    text = last.text
    left: list[str] = []
    swaps: list[tuple[list[str], str]] = []
    if each_ward and last.ward is not None:
        swaps.append((gazetteer.printed.get(last.ward.code, []) + [last.ward.name], "each"))
    if question.parties:
        new = " and ".join(everyday(gazetteer.party_name(p)) for p in question.parties)
        swaps.append(([a for a, code in gazetteer.party_aliases.items() if code in last.parties], new))
    if question.places:
        new = " and ".join(p.name for p in question.places)
        swaps.append(([a for place in last.places for a in gazetteer.aliases_of(place)], new))
    if question.years:
        swaps.append(([str(y) for y in last.years], " and ".join(str(y) for y in question.years)))
    for aliases, new in swaps:
        replaced, count = _swap_names(text, {normalise_name(a) for a in aliases}, new)
        if count:
            text = replaced
        else:
            left.append(new)
    return f"{text} ({', '.join(left)})" if left else text


def _swap_names(text: str, aliases: set[str], new: str) -> tuple[str, int]:
    """`text` with each run of words that spells one of `aliases` (a "the" before it included) written as
    `new`, longest runs first; and how many were swapped."""
    words = text.split(" ")
    longest = max((len(alias.split()) for alias in aliases), default=0)
    out: list[str] = []
    count = i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            *first, last = words[i : i + size]
            name, tail = _name_and_tail(last)
            if normalise_name(" ".join([*first, name])) in aliases:
                if out and out[-1].lower() == "the":
                    out.pop()
                out.append(new + tail)
                count, i = count + 1, i + size
                break
        else:
            out.append(words[i])
            i += 1
    return " ".join(out), count


def _name_and_tail(word: str) -> tuple[str, str]:
    """ "Hull's?" -> ("Hull", "'s?"): a name's last word, and what follows it (punctuation, a possessive)."""
    name = word.rstrip("?.!,;:)\"”")
    for possessive in ("'s", "’s"):
        if name.lower().endswith(possessive):
            name = name[: -len(possessive)]
            break
    return name, word[len(name):]


def _as_turn(question: Question, last: Turn) -> Turn:
    """A resolved question as a turn, to say why about it."""
    return replace(last, parties=question.parties, places=question.places, years=question.years,
                   kind=question.kind)


def _why(last: Turn, gazetteer: Gazetteer) -> Question:
    """The question "Why?" puts to the coverage about the last answer."""
    text = why_text(last, gazetteer)
    return Question(text=text, parties=last.parties or last.answered_by, places=last.places, years=last.years,
                    kind=last.kind, cues=read_cues(text))


def why_text(last: Turn, gazetteer: Gazetteer) -> str:
    """The question "Why?" puts to the coverage about the last answer ("Why did Labour win in Hull in 2018?")."""
    parties = last.parties or last.answered_by
    who = " and ".join(everyday(gazetteer.party_name(p)) for p in parties[:2])
    where = " and ".join(p.name for p in last.places) or str(last.shape.get("region") or "")
    when = " and ".join(str(y) for y in last.years)
    if who:
        text = f"Why did {who} {registry().why(last.intent)}"
    else:
        text = "Why did the election go as it did"
    return text + (f" in {where}" if where else "") + (f" in {when}" if when else "") + "?"


def turn_for(asked: str, followed: FollowUp, answer: Answer, gazetteer: Gazetteer) -> Turn:
    """What to remember of this turn."""
    question = followed.question
    previous = followed.previous
    shape = {f.name: getattr(question, f.name) for f in fields(Question) if f.name in SHAPE}
    keys = answer.keys
    listed = keys.listed if keys else ()
    if followed.kind == "why" and previous is not None:
        shape, listed = previous.shape, ()  # "Why?" then "And Trafford?" asks why again, of Trafford
    elif followed.kind == "among" and previous is not None:
        listed = previous.listed  # "Which of those…" then "And the Tories?" narrows the same list
    return Turn(
        asked=asked, text=question.text, route=answer.route, parties=question.parties, places=question.places,
        years=question.years, kind=question.kind, ward=question.ward, person=question.person, shape=shape,
        listed=listed, options=question.ambiguous[0].options if answer.outcome == "clarify" and question.ambiguous
        else (),
        answered_by=keys.parties if keys else (), follow=followed.kind, topic=question.topic,
        intent=previous.intent if followed.kind == "why" and previous is not None else keys.intent if keys else None,
    )


def unclear(question: Question, gazetteer: Gazetteer) -> Answer:
    """The reply to a follow-up with nothing to follow: ask what is meant."""
    named = [everyday(gazetteer.party_name(p)) for p in question.parties] + [p.name for p in question.places]
    about = f" about {' and '.join(named)}" if named else ""
    if question.cues.among:
        text = ("I'm not sure which places you mean: my last answer did not list any. Ask about a list first, "
                "for example \"Which councils did Labour gain in 2022?\", then narrow it.")
    elif question.cues.why_alone:
        text = ("Why what? Ask a question first, for example \"How many seats did Labour win in Hull in 2018?\", "
                "then ask why.")
    else:
        text = (f"I'm not sure what you'd like to know{about}. Could you ask the whole question, for example "
                "\"How many seats did the Conservatives win in Barnet in 2022?\"")
    return Answer(text, "none", 0.0, outcome="clarify")

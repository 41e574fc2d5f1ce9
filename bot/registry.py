"""The registry of what the results can answer (`registry.yaml`), compiled once: which intent fits a reading,
the queries it runs and the sentence that states its figure."""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal, get_args

import jinja2
import yaml
from jinja2.runtime import Context

from bot.charts import ChartSpec, chart_spec
from bot.lexicon import lexicon
from bot.sql import queries
from bot.understand import Question

REGISTRY_FILE = "registry.yaml"
Where = Literal["council", "constituency", "ward", "candidate", "nowhere", "listed", "yearly"]
DEFAULT_WHY = "do as they did"
STOPS = ".,;:"


class RegistryError(ValueError):
    """An entry of registry.yaml that cannot be used; the message names it and what is wrong."""


@dataclass(frozen=True, slots=True)
class Query:
    """One query an intent runs: its name in queries.sql, what its first row is called, which election."""

    name: str
    key: str  # "" for the first query, whose rows are the answer's `rows`; else `also.<key>`
    previous: bool = False  # run for the election before the one asked


@dataclass(frozen=True, slots=True)
class Intent:
    """One answerable intent: when it fits a reading, and how it answers."""

    name: str
    where: Where
    measures: frozenset[str | None]
    party: bool | None  # a party must be named / none may be / either
    kinds: frozenset[str] | None
    all_of: tuple[str, ...]
    any_of: tuple[str, ...]
    none_of: tuple[str, ...]
    listed: str | None
    queries: tuple[Query, ...]
    says: jinja2.Template
    empty: jinja2.Template | None
    empty_outcome: str
    unrecorded: str | None
    unrecorded_say: jinja2.Template | None
    requires: tuple[str, ...]
    one_election: bool
    by_year: bool
    compares: str | None
    previous: bool
    no_previous: jinja2.Template | None
    lists: str | None
    why: str
    chart: ChartSpec | None = None  # what the rows can be drawn as

    def fits(self, question: Question, where: Where, listed: str | None = None) -> bool:
        """This intent answers the question, asked of this kind of place."""
        if self.where != where or question.measure not in self.measures:
            return False
        if self.party is not None and self.party != bool(question.parties):
            return False
        if self.kinds is not None and election_kind(question) not in self.kinds:
            return False
        if self.listed is not None and self.listed != listed:
            return False
        return (all(flag(question, f) for f in self.all_of) and not any(flag(question, f) for f in self.none_of)
                and (not self.any_of or any(flag(question, f) for f in self.any_of)))


def election_kind(question: Question) -> str:
    """The kind of election a question with no place asks about: the one it names, else its measure's."""
    return question.kind or lexicon().measure_kinds.get(question.measure or "", "general")


def flag(question: Question, name: str) -> bool:
    """A yes-or-no field of the reading by name: the question's own, else its cues'."""
    value = getattr(question, name) if hasattr(question, name) else getattr(question.cues, name)
    return bool(value)


@dataclass(frozen=True, slots=True)
class Registry:
    """Every intent, in the order they are tried."""

    intents: tuple[Intent, ...]

    def find(self, question: Question, where: Where, listed: str | None = None,
             passed: frozenset[str] = frozenset()) -> Intent | None:
        """The first intent that fits the reading (but those `passed`), or None when the results cannot answer it."""
        return next((i for i in self.intents if i.name not in passed and i.fits(question, where, listed)), None)

    def why(self, name: str | None) -> str:
        """What "Why?" asks the coverage after an answer by the intent of that name."""
        return next((i.why for i in self.intents if i.name == name), DEFAULT_WHY)


def render(template: jinja2.Template, values: dict[str, Any]) -> str:
    """A sentence from its template, its spacing made plain (templates wrap over lines)."""
    text = " ".join(template.render(values).split())
    for stop in STOPS:
        text = text.replace(f" {stop}", stop)
    return text


@cache
def registry() -> Registry:
    """The registry, compiled once."""
    data = yaml.safe_load(resources.files("bot").joinpath(REGISTRY_FILE).read_text(encoding="utf-8"))
    environment = _environment(str(data["phrases"]))
    known = queries()
    return Registry(tuple(_intent(entry, environment, known) for entry in data["intents"]))


def _intent(entry: dict[str, Any], environment: jinja2.Environment, known: dict[str, str]) -> Intent:
    name = entry.get("intent", "?")

    def sentence(key: str) -> jinja2.Template | None:
        text = entry.get(key)
        if text is None:
            return None
        try:
            return environment.from_string('{% import "phrases" as phrase with context %}' + str(text))
        except jinja2.TemplateSyntaxError as error:
            raise RegistryError(f"intent {name!r}: {key}: {error.message} (line {error.lineno})") from None

    runs = []
    for number, spec in enumerate(entry.get("queries", [])):
        spec = {"query": spec} if isinstance(spec, str) else dict(spec)
        runs.append(Query(spec["query"], "" if number == 0 else spec.get("as", spec["query"]),
                          spec.get("election") == "previous"))
    named = [q.name.format(kind=kind) for q in runs for kind in ("local", "general")]
    unrecorded = entry.get("unrecorded")
    if isinstance(unrecorded, dict):
        unrecorded_say, unrecorded = str(unrecorded["say"]), str(unrecorded["query"])
    else:
        unrecorded_say = None
    for query in named + ([unrecorded] if unrecorded else []):
        if query not in known:
            raise RegistryError(f"intent {name!r} runs {query!r}, which queries.sql does not name")
    if not runs or entry.get("place") not in get_args(Where):
        raise RegistryError(f"intent {name!r} needs a place ({', '.join(get_args(Where))}) and queries")
    unknown = set(entry.get("measures", ())) - set(lexicon().measure_names) - {None}
    if unknown:
        raise RegistryError(f"intent {name!r} answers measures the reading does not know: {sorted(unknown)}")
    empty = entry.get("empty") or {}
    says = sentence("says")
    if says is None:
        raise RegistryError(f"intent {name!r} has no sentence (`says`)")
    try:
        chart = chart_spec(entry.get("chart"), name)
    except ValueError as error:
        raise RegistryError(str(error)) from None
    return Intent(
        name=name, where=entry["place"], measures=frozenset(entry["measures"]), party=entry.get("party"),
        kinds=frozenset(entry["kinds"]) if "kinds" in entry else None,
        all_of=tuple(entry.get("if", ())), any_of=tuple(entry.get("if_any", ())),
        none_of=tuple(entry.get("unless", ())), listed=entry.get("listed"), queries=tuple(runs), says=says,
        empty=environment.from_string('{% import "phrases" as phrase with context %}' + empty["say"])
        if empty.get("say") else None,
        empty_outcome=str(empty.get("outcome", "figure")), unrecorded=unrecorded,
        unrecorded_say=environment.from_string(unrecorded_say) if unrecorded_say else None,
        requires=tuple(entry.get("requires", ())), one_election=bool(entry.get("one_election")),
        by_year=bool(entry.get("by_year")) or entry["place"] == "yearly",
        compares=entry.get("compares"), previous=bool(entry.get("previous")), no_previous=sentence("no_previous"),
        lists=entry.get("lists"), why=str(entry.get("why", DEFAULT_WHY)), chart=chart,
    )


def _environment(phrases: str) -> jinja2.Environment:
    """Jinja with the filters sentences are written with; a name a template misspells is an error, not blank."""
    environment = jinja2.Environment(loader=jinja2.DictLoader({"phrases": phrases}), undefined=jinja2.StrictUndefined,
                                     autoescape=False)
    environment.filters.update(
        everyday=everyday,
        capitalise=lambda text: str(text)[:1].upper() + str(text)[1:],
        n=lambda number: "no count" if number is None else f"{number:,}",
        signed=lambda number, thousands=False: f"{number:+,d}" if thousands else f"{number:+d}",
        each=lambda rows, pattern: [ROW_FORMAT.format(pattern, **row) for row in rows],
        ordinal=ordinal,
        source=source,
        # "1 council", "6 councils"
        counted=lambda number, noun, plural=None: f"{number:,} {noun if number == 1 else plural or noun + 's'}",
    )
    return environment


# How a sentence names the parties whose canonical names read oddly in running text.
EVERYDAY = {
    "Conservative": "the Conservatives", "Liberal Democrats": "the Liberal Democrats", "Green Party": "the Greens",
    "Brexit Party": "the Brexit Party", "Scottish National Party": "the SNP", "UK Independence Party": "UKIP",
    "Independent": "independents", "Others": "others", "Speaker": "the Speaker",
    "Democratic Unionist Party": "the DUP", "Social Democratic and Labour Party": "the SDLP",
    "Ulster Unionist Party": "the Ulster Unionists", "Alliance Party of Northern Ireland": "the Alliance Party",
}


class _RowFormat(string.Formatter):
    """str.format for a row, where a figure the source does not give reads "no count" (an uncontested seat)."""

    def format_field(self, value: Any, format_spec: str) -> str:
        return "no count" if value is None else super().format_field(value, format_spec)


ROW_FORMAT = _RowFormat()


def ordinal(number: int) -> str:
    """1 -> "1st", 2 -> "2nd", 11 -> "11th"."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def everyday(name: str) -> str:
    """The running-text name of a party given its canonical name."""
    return EVERYDAY.get(name, name)


@jinja2.pass_context
def source(context: Context, row: dict[str, Any] | None, sentence: bool = False,
           over: list[dict[str, Any]] | None = None) -> str:
    """Where a row's figure comes from, as the sentence credits it: the dataset, its publisher and licence (the
    file's name where the store knows no more of it). `over`: the rows of a list, each file credited once."""
    known = context.get("sources", {})
    files = list(dict.fromkeys(f for r in (over if over is not None else [row]) for f in source_files(r, known)))
    if not files:
        return ""
    said = "; ".join(known[f].cited() if f in known else f for f in files)
    return f" Source: {said}." if sentence else f" (source{'s' if len(files) > 1 else ''}: {said})"


def source_files(row: dict[str, Any] | None, known: Mapping[str, object]) -> list[str]:
    """The files a row's figure comes from: a row summed over several names them all ("a.csv, b.csv")."""
    file = (row or {}).get("source_file")
    if not file:
        return []
    return [file] if file in known else str(file).split(", ")

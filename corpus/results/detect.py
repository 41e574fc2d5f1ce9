"""Which results format a file is in, from its header row (or, for LEAP's headerless files, its shape)."""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from corpus.results.canonical import CANONICAL
from corpus.results.errors import ResultsFileError
from corpus.results.hoc_candidates import HOC_CANDIDATES
from corpus.results.hoc_composition import HOC_COMPOSITION, HOC_COMPOSITION_SCOTLAND_WALES
from corpus.results.hoc_constituencies import (
    HOC_GE2017_CONSTITUENCIES,
    HOC_GE2019_CONSTITUENCIES,
    HOC_GE2024_CONSTITUENCIES,
)
from corpus.results.hoc_councillors import HOC_COUNCILLORS
from corpus.results.hoc_definitions import HOC_DEFINITIONS
from corpus.results.hoc_ge_candidates import HOC_GE2019_CANDIDATES, HOC_GE2024_CANDIDATES
from corpus.results.hoc_party_names import HOC_PARTY_NAMES
from corpus.results.hoc_wards import HOC_WARDS, ward_results_format
from corpus.results.leap import LEAP
from corpus.results.lga import LGA
from corpus.results.opencouncildata import OPEN_COUNCIL_DATA
from corpus.results.opencouncildata_councillors import OPEN_COUNCIL_DATA_COUNCILLORS
from corpus.results.parliament_candidates import PARLIAMENT_CANDIDATES
from corpus.results.records import ResultsFormat

FORMATS: tuple[ResultsFormat, ...] = (
    HOC_COMPOSITION,
    HOC_COMPOSITION_SCOTLAND_WALES,
    HOC_CANDIDATES,
    HOC_COUNCILLORS,
    HOC_PARTY_NAMES,
    HOC_DEFINITIONS,
    LEAP,
    OPEN_COUNCIL_DATA,
    OPEN_COUNCIL_DATA_COUNCILLORS,
    HOC_GE2017_CONSTITUENCIES,
    HOC_GE2019_CONSTITUENCIES,
    HOC_GE2019_CANDIDATES,
    HOC_GE2024_CONSTITUENCIES,
    HOC_GE2024_CANDIDATES,
    PARLIAMENT_CANDIDATES,
    HOC_WARDS,
    LGA,
    CANONICAL,
)
ONS_CODE = re.compile(r"^[EWSN][0-9]{8}$")
YEAR = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])")
SEE_FORMAT = "see corpus/results/FORMAT.md to write it in the canonical format"


def read_first_row(path: Path) -> list[str]:
    """The first CSV row of `path`, fields stripped."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [field.strip() for field in next(csv.reader(handle), [])]
    except FileNotFoundError:
        raise ResultsFileError(path, "there is no such file", fix="check the path") from None
    except OSError as error:
        raise ResultsFileError(path, f"the file cannot be read ({error.strerror})", fix="check the path") from None
    except UnicodeDecodeError:
        raise ResultsFileError(
            path, "the file is not UTF-8 text", line=first_invalid_line(path), fix="save it as UTF-8 CSV"
        ) from None
    except csv.Error as error:
        raise ResultsFileError(path, f"the first line is not CSV ({error})", line=1, fix=SEE_FORMAT) from None


def first_invalid_line(path: Path) -> int:
    """The line of the first byte that is not UTF-8."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return data[: error.start].count(b"\n") + 1
    return 1


def detect_format(path: Path) -> ResultsFormat:
    """The format of a results file; ResultsFileError (line 1) when it is none we read, naming the nearest."""
    first = read_first_row(path)
    if not first:
        raise ResultsFileError(path, "the file is empty", line=1, fix="import a results file with rows")
    for fmt in FORMATS:
        if fmt.header and fmt is not CANONICAL and tuple(first) == fmt.names:
            return fmt
    wards = ward_results_format(first)
    if wards is not None:
        return wards
    if "record" in first and "election" in first:
        return CANONICAL
    if len(first) == len(LEAP.columns) and ONS_CODE.match(first[1]):
        return LEAP
    raise unknown_header(path, first)


def unknown_header(path: Path, first: list[str]) -> ResultsFileError:
    """The error for a header no format has: the nearest format, how the header differs from it, and where the
    formats (and the canonical one, for any other table) are described."""
    nearest = max((fmt for fmt in FORMATS if fmt.header and fmt is not CANONICAL), key=lambda fmt: likeness(first, fmt))
    shared = sum((Counter(shape(first)) & Counter(shape(nearest.names))).values())
    if shared * 2 < len(nearest.names):
        return ResultsFileError(
            path,
            f"the header ({', '.join(first[:6])}{', ...' if len(first) > 6 else ''}) is not one of the results "
            f"formats hustings reads",
            line=1,
            fix=SEE_FORMAT,
        )
    missing = [name for name in nearest.names if name not in first]
    unexpected = [name for name in first if name not in nearest.names]
    field = (missing or unexpected or [""])[0] or None
    canonical = 'rewrite it in the canonical format (corpus/results/FORMAT.md, "The canonical format")'
    years = sorted(set(YEAR.findall(",".join(first)))), sorted(set(YEAR.findall(",".join(nearest.names))))
    if missing and Counter(shape(first)) == Counter(shape(nearest.names)):
        # The same table for other years: its columns cannot be renamed into this format's years.
        return ResultsFileError(
            path,
            f"the header looks like {nearest.id} ({nearest.dataset}) but holds {' and '.join(years[0])}, where "
            f"that format holds {' and '.join(years[1])}",
            line=1,
            field=unexpected[0],  # the file's own first column of another year
            fix=f"hustings reads {nearest.id} for {' and '.join(years[1])} only: {canonical}",
        )
    parts = [f"{label} {briefly(names)}" for label, names in (("missing", missing), ("unexpected", unexpected))
             if names] or ["the columns are in a different order"]
    return ResultsFileError(
        path,
        f"the header looks like {nearest.id} ({nearest.dataset}) but has {'; '.join(parts)}",
        line=1,
        field=field,
        fix=f"if it is that table, give it exactly these {len(nearest.names)} columns in this order: "
        f"{', '.join(nearest.names)}; if not, {canonical}",
    )


def shape(names: Sequence[str]) -> list[str]:
    """Column names with their years blanked: 'con_2018' and 'con_2023' are one column of two years."""
    return [YEAR.sub("YYYY", name) for name in names]


def likeness(first: Sequence[str], fmt: ResultsFormat) -> float:
    """How much of a header a format shares, years aside (shared columns over all columns of the two)."""
    shared = sum((Counter(shape(first)) & Counter(shape(fmt.names))).values())
    return shared / (len(first) + len(fmt.names) - shared)


def briefly(names: Sequence[str], most: int = 4) -> str:
    """ "'a', 'b', 'c', 'd' and 3 more" """
    shown = ", ".join(repr(name) for name in names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")

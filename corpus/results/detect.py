"""Which results format a file is in, from its header row (or, for LEAP's headerless files, its shape)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from corpus.results.canonical import CANONICAL
from corpus.results.errors import ResultsFileError
from corpus.results.hoc_candidates import HOC_CANDIDATES
from corpus.results.hoc_composition import HOC_COMPOSITION
from corpus.results.hoc_constituencies import (
    HOC_GE2017_CONSTITUENCIES,
    HOC_GE2019_CONSTITUENCIES,
    HOC_GE2024_CONSTITUENCIES,
)
from corpus.results.hoc_councillors import HOC_COUNCILLORS
from corpus.results.hoc_ge_candidates import HOC_GE2019_CANDIDATES, HOC_GE2024_CANDIDATES
from corpus.results.hoc_wards import HOC_WARDS, ward_results_format
from corpus.results.leap import LEAP
from corpus.results.opencouncildata import OPEN_COUNCIL_DATA
from corpus.results.parliament_candidates import PARLIAMENT_CANDIDATES
from corpus.results.records import ResultsFormat

FORMATS: tuple[ResultsFormat, ...] = (
    HOC_COMPOSITION,
    HOC_CANDIDATES,
    HOC_COUNCILLORS,
    LEAP,
    OPEN_COUNCIL_DATA,
    HOC_GE2017_CONSTITUENCIES,
    HOC_GE2019_CONSTITUENCIES,
    HOC_GE2019_CANDIDATES,
    HOC_GE2024_CONSTITUENCIES,
    HOC_GE2024_CANDIDATES,
    PARLIAMENT_CANDIDATES,
    HOC_WARDS,
    CANONICAL,
)
ONS_CODE = re.compile(r"^[EWSN][0-9]{8}$")
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
    """The error for a header no format has: what the nearest format expects instead."""
    given = set(first)
    nearest = max(
        (fmt for fmt in FORMATS if fmt.header and fmt is not CANONICAL),
        key=lambda fmt: len(given & set(fmt.names)) / len(given | set(fmt.names)),
    )
    shared = given & set(nearest.names)
    if len(shared) * 2 < len(nearest.names):
        return ResultsFileError(
            path,
            f"the header ({', '.join(first[:6])}{', ...' if len(first) > 6 else ''}) is not one of the results "
            f"formats hustings reads",
            line=1,
            fix=SEE_FORMAT,
        )
    missing = [name for name in nearest.names if name not in given]
    unexpected = [name for name in first if name not in nearest.names]
    parts = []
    if missing:
        parts.append(f"missing {', '.join(repr(name) for name in missing)}")
    if unexpected:
        parts.append(f"unexpected {', '.join(repr(name) for name in unexpected)}")
    if not parts:
        parts.append("the columns are in a different order")
    return ResultsFileError(
        path,
        f"the header looks like {nearest.id} ({nearest.dataset}) but has {'; '.join(parts)}",
        line=1,
        field=(missing or unexpected or [""])[0] or None,
        fix=f"give it exactly these columns in this order: {', '.join(nearest.names)}",
    )

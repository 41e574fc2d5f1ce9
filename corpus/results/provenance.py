"""Which dataset a results file is: built in for the formats hustings reads, or said by a sidecar beside it.

A sidecar is a small YAML file named after the results file (`hull-2026.csv` -> `hull-2026.source.yaml`):

    title: Borough elections, 7 May 2026
    publisher: Hull City Council
    licence: Open Government Licence v3.0
    url: https://www.hull.gov.uk/elections
    retrieved: 2026-05-08

`title` and `publisher` are needed; a sidecar beside a file of a known format replaces what hustings knows of it
(a newsroom's own copy, retrieved on its own date). Without one, the retrieval date is the file's own date.
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from corpus.results.errors import ResultsFileError
from corpus.results.records import Dataset, ResultsFormat

SIDECAR_SUFFIX = ".source.yaml"
FIELDS = ("title", "publisher", "licence", "url", "retrieved")
SEE = "see corpus/results/FORMAT.md, 'Where a file comes from'"


def sidecar_of(path: Path) -> Path:
    """Where the sidecar of a results file would be."""
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def dataset_of(path: Path, fmt: ResultsFormat) -> Dataset:
    """The dataset a results file is: its sidecar's, else its format's, dated by the file when nothing says."""
    sidecar = sidecar_of(path)
    if sidecar.is_file():
        return read_sidecar(sidecar)
    built_in = fmt.source
    if fmt.publisher_column or fmt.url_column:
        built_in = _named_inside(path, fmt, built_in)
    if not built_in.publisher:  # a canonical file says nothing of where it comes from: its name is all we have
        built_in = Dataset(title=path.name, publisher="", licence=None)
    day = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).date()
    return Dataset(built_in.title, built_in.publisher, built_in.licence, built_in.url, day)


def _named_inside(path: Path, fmt: ResultsFormat, built_in: Dataset) -> Dataset:
    """The publisher and page a file's first row names, where its format has columns for them."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            first = next(csv.DictReader(handle), None) or {}
    except (OSError, UnicodeDecodeError, csv.Error):
        return built_in  # the import itself says what is wrong with the file
    publisher = (first.get(fmt.publisher_column or "") or "").strip() or built_in.publisher
    url = (first.get(fmt.url_column or "") or "").strip() or built_in.url
    return Dataset(built_in.title, publisher, built_in.licence, url)


def read_sidecar(path: Path) -> Dataset:
    """A sidecar's dataset; ResultsFileError naming the sidecar and its field when it cannot be used."""
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ResultsFileError(path, f"the sidecar cannot be read ({error})", fix=SEE) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ResultsFileError(path, "the sidecar is not YAML", line=mark.line + 1 if mark else None,
                               fix=SEE) from None
    if not isinstance(data, dict):
        raise ResultsFileError(path, "the sidecar must be a list of `field: value` lines", line=1, fix=SEE)
    unknown = sorted(str(k) for k in data if k not in FIELDS)
    if unknown:
        raise ResultsFileError(path, f"the sidecar has fields hustings does not know: {', '.join(unknown)}",
                               field=unknown[0], fix=f"use only {', '.join(FIELDS)}")
    for needed in ("title", "publisher"):
        if not isinstance(data.get(needed), str) or not data[needed].strip():
            raise ResultsFileError(path, f"the sidecar gives no {needed}", field=needed,
                                   fix=f"add a line `{needed}: …`")
    retrieved = data.get("retrieved")
    if retrieved is not None and not isinstance(retrieved, date):
        try:
            retrieved = date.fromisoformat(str(retrieved))
        except ValueError:
            raise ResultsFileError(path, f"retrieved is {retrieved!r}, not a date like 2026-05-08",
                                   field="retrieved", fix="write the date as YYYY-MM-DD") from None
    return Dataset(
        title=data["title"].strip(),
        publisher=data["publisher"].strip(),
        licence=str(data["licence"]).strip() if data.get("licence") else None,
        url=str(data["url"]).strip() if data.get("url") else None,
        retrieved=retrieved,
    )

"""Article manifests: which files of a folder are articles, and what they state (manifest.jsonl or manifest.csv).

Where a folder's manifest is: the first found of the folder's manifest.jsonl, its manifest.csv, its parent's
manifest.jsonl, its parent's manifest.csv, and never further up. A parent's manifest counts only when it
lists files under the folder, so `hustings ingest bbc/politics` takes the `politics/` rows of
bbc/manifest.csv. A file named on its own gets its folder's manifest by the same rule. Where one folder
holds both, manifest.jsonl wins (so it means what it always did) and manifest.csv is reported as ignored.

- manifest.jsonl: one JSON object a line, with "file" (the path from the manifest's folder) and any of the
  article's fields (id, title, published or date, source, url); other fields are kept as metadata.
- manifest.csv: a header row, then one article a row, each on one line: `path` (or `file`) and any of id,
  title, published or date, source, url, category (kept as metadata); `duplicate_of` names the file this
  one is a byte-identical copy of, and `md5` (of the file's bytes) is what that claim is checked against.
  Other columns are ignored.
"""

from __future__ import annotations

import csv
import hashlib
import json
import posixpath
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from corpus.records import ReadProblem

JSONL_NAME = "manifest.jsonl"
CSV_NAME = "manifest.csv"
MANIFEST_NAMES = {JSONL_NAME, CSV_NAME}
CSV_PATH_COLUMNS = ("path", "file")
CSV_FIELDS = {"id", "title", "published", "date", "source", "url", "category"}
MD5 = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True, slots=True)
class ManifestRow:
    """One file a manifest lists: its path from the manifest's folder and what the manifest says of it."""

    file: str
    meta: dict[str, Any]
    line: int
    md5: str | None = None
    duplicate_of: str | None = None  # the row this file is a byte-identical copy of (never itself a copy)


@dataclass(frozen=True, slots=True)
class ManifestFile:
    """A manifest as read: its rows by path from its folder."""

    path: Path
    rows: dict[str, ManifestRow]


@dataclass(frozen=True, slots=True)
class FolderManifest:
    """The manifest describing one folder (if any), seen from that folder."""

    source: ManifestFile | None = None
    base: str = ""  # the folder's path from the manifest's folder, "" or "politics/"

    def listed(self) -> list[tuple[str, ManifestRow]]:
        """The rows for files under the folder, in manifest order, each with its path from the folder."""
        rows = self.source.rows if self.source else {}
        return [(key[len(self.base) :], row) for key, row in rows.items() if key.startswith(self.base)]

    def meta_of(self, name: str) -> dict[str, Any]:
        """What the manifest says of the folder's file `name` ({} when it does not list it)."""
        row = self.source.rows.get(self.base + posixpath.normpath(name)) if self.source else None
        return row.meta if row else {}

    def is_marked_copy(self, folder: Path, row: ManifestRow) -> tuple[bool, ReadProblem | None]:
        """Whether `row` is a copy to skip: marked duplicate_of a file also read now, with the same bytes."""
        if self.source is None or row.duplicate_of is None or not row.duplicate_of.startswith(self.base):
            return False, None  # not a copy, or its original is not read now: this file is the one to keep
        copy, original = folder / row.file[len(self.base) :], folder / row.duplicate_of[len(self.base) :]
        if not copy.is_file() or not original.is_file():
            return False, None  # the missing one is reported when it is read; the other keeps the text
        # Only the copies are hashed (and an original the manifest gives no md5 for): the rest is read once.
        expected = self.source.rows[row.duplicate_of].md5 or _md5(original)
        if _md5(copy) == expected:
            return True, None
        message = f"{row.file} is marked duplicate_of {row.duplicate_of} but their bytes differ: read as an article"
        return False, ReadProblem(self.source.path, message, line=row.line, skipped=False)


class Manifests:
    """The manifests met while reading: each is read, and its problems reported, once."""

    def __init__(self) -> None:
        self._folders: dict[Path, FolderManifest] = {}
        self._places: dict[Path, ManifestFile | None] = {}

    def for_folder(self, folder: Path) -> tuple[FolderManifest, list[ReadProblem]]:
        """The folder's manifest by the lookup rule, and the problems met reading it not reported before."""
        here = folder.resolve()
        if here in self._folders:
            return self._folders[here], []
        problems: list[ReadProblem] = []
        found = FolderManifest(self._in_place(folder, here, problems))
        if found.source is None and here.parent != here:
            above = FolderManifest(self._in_place(here.parent, here.parent, problems), base=f"{here.name}/")
            found = above if above.listed() else found
        self._folders[here] = found
        return found, problems

    def _in_place(self, place: Path, resolved: Path, problems: list[ReadProblem]) -> ManifestFile | None:
        if resolved not in self._places:
            jsonl, table = place / JSONL_NAME, place / CSV_NAME
            manifest: ManifestFile | None = None
            read: list[ReadProblem] = []
            if jsonl.is_file():
                manifest, read = read_jsonl_manifest(jsonl)
                if table.is_file():
                    read.append(ReadProblem(table, f"ignored: the {JSONL_NAME} beside it is this folder's manifest",
                                            skipped=False))
            elif table.is_file():
                manifest, read = read_csv_manifest(table)
            self._places[resolved] = manifest
            problems += read
        return self._places[resolved]


def read_jsonl_manifest(path: Path) -> tuple[ManifestFile, list[ReadProblem]]:
    """Rows from a manifest.jsonl: one object a line, with "file" naming the article."""
    rows: dict[str, ManifestRow] = {}
    problems: list[ReadProblem] = []
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(ReadProblem(path, f"not valid JSON ({error.msg})", line=number))
            continue
        if not isinstance(record, dict) or not isinstance(record.get("file"), str):
            problems.append(ReadProblem(path, 'each line needs a "file" field naming an article', line=number))
            continue
        key = posixpath.normpath(record["file"])
        rows[key] = ManifestRow(key, record, number)
    return ManifestFile(path, rows), problems


def read_csv_manifest(path: Path) -> tuple[ManifestFile, list[ReadProblem]]:
    """Rows from a manifest.csv; a bad row is reported by line and field, and the others still apply."""
    text, problems = _decode(path)
    numbered = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not numbered:
        return ManifestFile(path, {}), [*problems, ReadProblem(path, "empty manifest, ignored", skipped=False)]
    (header_at, header_line), *body = numbered
    try:
        header = [name.strip().lower() for name in _split(header_line)]
    except csv.Error as error:
        problems.append(ReadProblem(path, f"header is not valid CSV ({error})", line=header_at))
        return ManifestFile(path, {}), problems
    column = next((c for c in CSV_PATH_COLUMNS if c in header), None)
    if column is None:
        message = f'the header needs a "path" column naming each article, got: {", ".join(header)}'
        return ManifestFile(path, {}), [*problems, ReadProblem(path, message, line=header_at)]
    rows: dict[str, ManifestRow] = {}
    for number, line in body:
        try:
            values = _split(line)
        except csv.Error as error:
            problems.append(ReadProblem(path, f"not valid CSV ({error}), row skipped", line=number))
            continue
        if len(values) != len(header):
            lacking = f" (no {header[len(values)]})" if len(values) < len(header) else ""
            message = f"{len(values)} fields where the header has {len(header)}{lacking}, row skipped"
            problems.append(ReadProblem(path, message, line=number))
            continue
        record = {name: value.strip() for name, value in zip(header, values, strict=True) if value.strip()}
        row = _csv_row(path, number, record, column, problems)
        if row is not None:
            if row.file in rows:
                problems.append(ReadProblem(path, f"{column} {row.file!r} is listed again (first on line "
                                            f"{rows[row.file].line}): this row is used", line=number, skipped=False))
            rows[row.file] = row
    return ManifestFile(path, _resolve_copies(path, rows, problems)), problems


def _csv_row(
    path: Path, number: int, record: dict[str, str], column: str, problems: list[ReadProblem]
) -> ManifestRow | None:
    """One row's file and metadata; a bad value is reported by its column and left out."""
    file = _inside(record.get(column, ""))
    if file is None:
        problems.append(ReadProblem(path, f"{column} {record.get(column, '')!r} does not name a file inside the "
                                    "manifest's folder, row skipped", line=number))
        return None
    meta = {name: value for name, value in record.items() if name in CSV_FIELDS}
    for name in ("published", "date"):
        if name in meta and parse_date(meta[name])[1] is not None:
            problems.append(ReadProblem(path, f"{name} {meta.pop(name)!r} is not a date (YYYY-MM-DD): "
                                        f"{file} is stored undated", line=number, skipped=False))
    md5 = record.get("md5", "").lower() or None
    if md5 is not None and not MD5.fullmatch(md5):
        problems.append(ReadProblem(path, f"md5 {record['md5']!r} is not 32 hex digits: ignored", line=number,
                                    skipped=False))
        md5 = None
    copy_of = record.get("duplicate_of")
    duplicate_of = _inside(copy_of) if copy_of else None
    if copy_of and duplicate_of is None:
        problems.append(ReadProblem(path, f"duplicate_of {copy_of!r} does not name a file inside the manifest's "
                                    f"folder: {file} is read as an article", line=number, skipped=False))
    return ManifestRow(file, meta, number, md5=md5, duplicate_of=duplicate_of)


def _resolve_copies(path: Path, rows: dict[str, ManifestRow], problems: list[ReadProblem]) -> dict[str, ManifestRow]:
    """Point each copy at the row it copies that is not itself a copy; a claim naming no row is dropped."""
    resolved = dict(rows)
    for key, row in rows.items():
        seen, target = {key}, row.duplicate_of
        while target is not None and target in rows and target not in seen and rows[target].duplicate_of:
            seen.add(target)
            target = rows[target].duplicate_of
        if target is None:
            continue
        if target not in rows or target in seen:
            why = "names no row of this manifest" if target not in rows else "goes round in a circle"
            problems.append(ReadProblem(path, f"duplicate_of {row.duplicate_of!r} {why}: {key} is read as an "
                                        "article", line=row.line, skipped=False))
            target = None
        resolved[key] = replace(row, duplicate_of=target)
    return resolved


def parse_date(value: Any) -> tuple[date | None, str | None]:
    """Return (date, None), or (None, the bad value) when it is not a date."""
    if value is None or value == "":
        return None, None
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    try:
        return date.fromisoformat(str(value).strip()[:10]), None
    except ValueError:
        return None, str(value)


def _split(line: str) -> list[str]:
    # One physical line a row: an unclosed quote then spoils its own row, not every row after it.
    return next(csv.reader([line], strict=True))


def _inside(name: str) -> str | None:
    """`name` as a normal relative path, or None when it is empty or leaves the manifest's folder."""
    key = posixpath.normpath(name.replace("\\", "/")) if name else ""
    if not key or key == "." or key.startswith(("/", "../")) or key == "..":
        return None
    return key


def _decode(path: Path) -> tuple[str, list[ReadProblem]]:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        note = f"not valid UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start}); read as cp1252"
        return raw.decode("cp1252", errors="replace"), [ReadProblem(path, note, skipped=False)]


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()

"""Read articles from txt, md (YAML front matter), html and jsonl files, with manifest metadata (corpus/manifest.py).

Every problem is reported as a `ReadProblem` naming the file (and line), and reading goes on with the
rest: one bad file never costs the others.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter
import trafilatura
import yaml
from trafilatura.settings import set_date_params

from corpus.chunk import split_sentences
from corpus.manifest import MANIFEST_NAMES, FolderManifest, Manifests, parse_date
from corpus.records import Article, ReadProblem

ARTICLE_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".jsonl"}
# Folder walks skip a folder's own paperwork; name such a file explicitly to ingest it.
PAPERWORK_STEMS = {"readme", "license", "licence", "changelog", "source", "facts"}
SNIFF_BYTES = 8192
TITLE_MAX_CHARS = 120
KNOWN_FIELDS = {"id", "file", "title", "published", "date", "source", "url", "text"}

Read = Article | ReadProblem


@dataclass(frozen=True, slots=True)
class ArticleFile:
    """One file to read articles from, with what its manifest says of it."""

    path: Path
    meta: dict[str, Any] = field(default_factory=dict)


def read_articles(paths: Iterable[Path]) -> Iterator[Read]:
    """Yield every article under `paths` (files or folders), and a ReadProblem for each bad input."""
    for item in list_article_files(paths):
        if isinstance(item, ReadProblem):
            yield item
        else:
            yield from read_article_file(item)


def list_article_files(paths: Iterable[Path]) -> Iterator[ArticleFile | ReadProblem]:
    """The files `read_articles` reads, in its order, and the problems met finding them (manifests' too).

    Reading a file needs nothing but its `ArticleFile`, so the files can be read anywhere (ingest on Ray).
    """
    manifests = Manifests()
    for path in paths:
        if path.is_dir():
            manifest, problems = manifests.for_folder(path)
            yield from problems
            yield from _list_folder(path, manifest)
        elif path.is_file():
            # Named on its own, a file is read even if the manifest marks it a copy: storing then spots copies.
            manifest, problems = manifests.for_folder(path.parent)
            yield from problems
            yield ArticleFile(path, manifest.meta_of(path.name))
        else:
            yield ReadProblem(path, "no such file or folder")


def _list_folder(folder: Path, manifest: FolderManifest) -> Iterator[ArticleFile | ReadProblem]:
    listed = manifest.listed()
    if listed:
        # A manifest lists its folder's articles: files it does not name are not articles.
        copies: list[str] = []
        for name, row in listed:
            is_copy, problem = manifest.is_marked_copy(folder, row)
            if problem is not None:
                yield problem
            if is_copy:
                copies.append(row.file)
                continue
            yield ArticleFile(folder / name, row.meta)
        if copies and manifest.source is not None:
            files = "file" if len(copies) == 1 else "files"
            yield ReadProblem(manifest.source.path, f"skipped {len(copies)} duplicate {files} the manifest marks "
                              f"(duplicate_of), e.g. {copies[0]}", skipped=False)
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() in ARTICLE_SUFFIXES and path.name not in MANIFEST_NAMES:
            if path.stem.lower() not in PAPERWORK_STEMS:
                yield ArticleFile(path)


def read_article_file(file: ArticleFile) -> Iterator[Read]:
    """The articles of one file (a jsonl file holds many), and a ReadProblem for anything wrong with it."""
    path, meta = file.path, file.meta
    if not path.is_file():
        yield ReadProblem(path, "listed in the manifest but missing")
        return
    suffix = path.suffix.lower()
    if suffix not in ARTICLE_SUFFIXES:
        supported = ", ".join(sorted(ARTICLE_SUFFIXES))
        yield ReadProblem(path, f"unsupported file type {suffix or '(none)'}: use one of {supported}")
        return
    text, problem = decode_file(path)
    if problem is not None:
        yield problem
    if text is None:
        return
    if suffix == ".jsonl":
        yield from _read_jsonl(path, text)
    elif suffix in {".md", ".markdown"}:
        yield from _read_markdown(path, text, meta)
    elif suffix in {".html", ".htm"}:
        yield from _read_html(path, text, meta)
    else:
        yield from _make_article(path, text, meta)


def decode_file(path: Path) -> tuple[str | None, ReadProblem | None]:
    """Decode a file as UTF-8, falling back to cp1252 then latin-1; empty and binary files give None."""
    raw = path.read_bytes()
    if not raw.strip():
        return None, ReadProblem(path, "empty file, skipped")
    if b"\x00" in raw[:SNIFF_BYTES]:
        return None, ReadProblem(path, "binary file (NUL bytes), skipped")
    try:
        return _normalise_newlines(raw.decode("utf-8-sig")), None
    except UnicodeDecodeError as error:
        bad_at = error.start
    for fallback in ("cp1252", "latin-1"):
        try:
            text = raw.decode(fallback)
        except UnicodeDecodeError:
            continue
        note = f"not valid UTF-8 (byte 0x{raw[bad_at]:02x} at offset {bad_at}); decoded as {fallback}"
        return _normalise_newlines(text), ReadProblem(path, note, skipped=False)
    raise AssertionError("latin-1 decodes any byte string")  # pragma: no cover


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_markdown(path: Path, text: str, meta: dict[str, Any]) -> Iterator[Read]:
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        yield ReadProblem(path, f"front matter is not valid YAML ({error}), skipped", line=line)
        return
    yield from _make_article(path, post.content, {**post.metadata, **meta})


def _read_html(path: Path, html: str, meta: dict[str, Any]) -> Iterator[Read]:
    text = trafilatura.extract(html, output_format="txt", include_comments=False, include_tables=False)
    if not text or not text.strip():
        yield ReadProblem(path, "no article text found in the HTML, skipped")
        return
    # Only dates the page states (its metadata, a <time>, the URL): trafilatura's extensive search also
    # guesses from the text, and would date an undated page that mentions "2018" 1 January 2018.
    found = trafilatura.extract_metadata(html, date_config=set_date_params(extensive=False))
    page = {"title": found.title, "published": found.date, "url": found.url, "source": found.sitename}
    yield from _make_article(path, text, {**{k: v for k, v in page.items() if v}, **meta})


def _read_jsonl(path: Path, text: str) -> Iterator[Read]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield ReadProblem(path, f"not valid JSON ({error.msg}), line skipped", line=number)
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str) or not record["text"].strip():
            yield ReadProblem(path, 'needs an object with a non-empty "text" field, line skipped', line=number)
            continue
        yield from _make_article(path, record["text"], record, line=number, default_id=f"{path.stem}-{number}")


def _make_article(
    path: Path, text: str, meta: dict[str, Any], line: int | None = None, default_id: str | None = None
) -> Iterator[Read]:
    text = text.strip()
    if not text:
        yield ReadProblem(path, "no text after the metadata, skipped", line=line)
        return
    published, bad_date = parse_date(meta.get("published", meta.get("date")))
    if bad_date:
        yield ReadProblem(path, f"published {bad_date!r} is not a date; stored as unknown", line=line, skipped=False)
    extra = {k: str(v) for k, v in meta.items() if k not in KNOWN_FIELDS and v is not None}
    yield Article(
        id=str(meta.get("id") or default_id or path.stem),
        title=str(meta.get("title") or guess_title(text)),
        text=text,
        published=published,
        source=_optional_str(meta.get("source")),
        url=_optional_str(meta.get("url")),
        path=str(path.resolve()) + (f":{line}" if line is not None else ""),
        meta=extra,
        id_given=bool(meta.get("id")),
    )


def guess_title(text: str) -> str:
    """A headline-style first line, else the first sentence, shortened to fit a citation."""
    first_line, _, rest = text.partition("\n")
    if rest.startswith("\n") and len(first_line) <= TITLE_MAX_CHARS:
        return first_line.strip()
    start, end = split_sentences(text)[0]
    sentence = " ".join(text[start:end].split())
    if len(sentence) <= TITLE_MAX_CHARS:
        return sentence
    return sentence[: TITLE_MAX_CHARS - 1].rsplit(" ", 1)[0] + "…"


def _optional_str(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None

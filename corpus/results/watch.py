"""Election night: results files that are rewritten as areas declare, imported again whenever they change.

Each round looks at every file's size and modification time; a file that changed is imported again in its own
store generation (corpus/generations.py), so a running server moves to the new figures within a poll of its
own. A file rewritten with the same bytes is skipped by the import (it knows the file by its bytes), and a
file with a bad line is reported and left as it was loaded last: the loop goes on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from corpus.results.errors import ResultsFileError
from corpus.results.load import import_results
from corpus.results.records import ImportReport
from corpus.store import Store, StoreBusy


def watch_results(
    data_dir: Path, paths: Sequence[Path], every: float, stop: Callable[[], bool], replace: bool = False
) -> Iterator[ImportReport | ResultsFileError]:
    """Import every file now, then each again when it changes, until `stop()` is true; yields what each did."""
    seen: dict[Path, tuple[int, int] | None] = dict.fromkeys(paths)
    while True:
        changed = [path for path in paths if _stamp(path) != seen[path]]
        if changed:
            try:
                with Store.open(data_dir) as store:
                    for path in changed:
                        seen[path] = _stamp(path)
                        try:
                            yield import_results(store, path, replace=replace)
                        except ResultsFileError as error:
                            yield error
            except StoreBusy:
                for path in changed:
                    seen[path] = None  # another writer has the store: try these again next round
        if stop():
            return
        time.sleep(every)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except FileNotFoundError:
        return None  # not there yet (or being replaced): imported once it appears
    return status.st_size, status.st_mtime_ns

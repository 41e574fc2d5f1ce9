"""The one error a results import raises: which file, line and field, and how to fix it."""

from __future__ import annotations

from pathlib import Path

NOTHING_IMPORTED = "nothing from this file was imported"


class ResultsFileError(Exception):
    """A results file that cannot be imported as it is; the store is left as it was before."""

    def __init__(
        self,
        path: Path,
        problem: str,
        *,
        line: int | None = None,
        field: str | None = None,
        fix: str = "fix the file and import it again",
    ) -> None:
        self.path = Path(path)
        self.problem = problem
        self.line = line
        self.field = field
        self.fix = fix
        super().__init__(str(self))

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f", line {self.line}"
        if self.field is not None:
            where += f", field '{self.field}'"
        return f"{where}: {self.problem}; {NOTHING_IMPORTED}: {self.fix}"

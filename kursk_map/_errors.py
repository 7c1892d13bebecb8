"""Error classes users see, each able to carry many problems at once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input row, located as ``file:line: column: message``.

    Parameters
    ----------
    file : str
        Path of the file as the user named it.
    line : int
        1-based line number in that file (the header is line 1); 0 when the whole file is meant.
    column : str
        Column name, or ``""`` when the problem is about the row or the file.
    message : str
        What is wrong, with the value, and how to fix it.
    """

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        col = f" {self.column}:" if self.column else ""
        return f"{where}:{col} {self.message}"


class KurskMapError(Exception):
    """Base class of every error kursk_map raises on purpose."""


class OutputError(KurskMapError):
    """An output path is refused (it would replace what kursk_map did not write) or cannot be written.

    The command line prints it as one line and exits with status 2; nothing has been written.
    """


class DataError(KurskMapError, ValueError):
    """Input data is wrong; carries every :class:`Problem` found, not just the first.

    Examples
    --------
    >>> err = DataError([Problem("claims.csv", 3, "date", "bad date '2025-02-30'")])
    >>> print(err)
    1 problem in the input data:
    claims.csv:3: date: bad date '2025-02-30'
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the input data:"
        super().__init__("\n".join([head, *map(str, self.problems)]))


class UnplacedClaimsError(DataError):
    """Raised by a strict build when some claims cannot be put on the map."""

"""What a page makes from a state's gazetteer columns, kept while the next state's columns hold the same values.

An atlas shows the same settlements on every page; only their claims change from date to date. The
texts made from the names, places and positions (a GeoJSON feature's fixed part, a timeline's
settlement list) are made once and kept: a state whose columns hold the same values (compared, not
hashed: ten times as fast) gets them again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import numpy as np
import pandas as pd

T = TypeVar("T")


class LastColumns(Generic[T]):
    """The value made from ``columns`` of the last frame given, made again when one of them changes.

    Examples
    --------
    >>> made = []
    >>> memo = LastColumns(("name",))
    >>> frame = pd.DataFrame({"name": ["Sudzha"], "group": ["UA"]})
    >>> for f in (frame, frame.assign(group="RU"), frame.assign(name="Gornal")):
    ...     _ = memo.get(f, lambda f: made.append(f["name"].iloc[0]))
    >>> made
    ['Sudzha', 'Gornal']
    """

    def __init__(self, columns: tuple[str, ...]) -> None:
        self._columns = columns
        self._last: tuple[dict[str, pd.Series], T] | None = None

    def get(self, frame: pd.DataFrame, make: Callable[[pd.DataFrame], T]) -> T:
        """``make(frame)``, or what it made for the last frame when ``frame``'s columns hold the same values."""
        last = self._last
        if last is not None and all(same_values(frame[c], last[0][c]) for c in self._columns):
            return last[1]
        value = make(frame)
        self._last = ({c: frame[c] for c in self._columns}, value)
        return value


def same_values(a: pd.Series, b: pd.Series) -> bool:
    """The same index, dtype and values (NaN where the other has NaN), floats with the same signs.

    Examples
    --------
    >>> s = pd.Series([0.0, float("nan")])
    >>> same_values(s, s.copy()), same_values(s, pd.Series([-0.0, float("nan")])), same_values(s, s[::-1])
    (True, False, False)
    """
    if not a.equals(b):
        return False
    return a.dtype.kind != "f" or bool(np.array_equal(np.signbit(a.to_numpy()), np.signbit(b.to_numpy())))

"""Stored plan results read once per process, for `/api/plans/{version}`.

A stored result never changes (an edit or a what-if stores a new version), yet reading it
means parsing 220 KB of JSON at XL into some 15,000 objects per request: more work than the
page of 200 panels sent, and enough garbage to make the server's collector pause every
request in flight. So the API keeps the last few results read, one cache per app (row ids
are unique within one database only), keyed by the plan's id and creation time.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from flask import current_app

SIZE = 4  # results kept (an XL plan's takes about 2 MB)
KEY = "panelplan.api_results"


class StoredResults:
    """The last `size` plan results read, most recent last."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._results: OrderedDict[Hashable, dict[str, Any]] = OrderedDict()

    def get(self, key: Hashable, read: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """The result stored under `key`, read with `read()` the first time."""
        with self._lock:
            if key in self._results:
                self._results.move_to_end(key)
                return self._results[key]
        found = read()  # outside the lock: other requests go on meanwhile
        with self._lock:
            self._results[key] = found
            while len(self._results) > self.size:
                self._results.popitem(last=False)
        return found

    def __len__(self) -> int:
        return len(self._results)


def stored_results() -> StoredResults:
    """This app's cache (made on first use)."""
    cache: StoredResults = current_app.extensions.setdefault(KEY, StoredResults())
    return cache

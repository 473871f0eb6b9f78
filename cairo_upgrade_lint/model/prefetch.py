"""Parse the files of a large input on two cores before it is loaded.

Parsing is most of the time of a large input. A second process parses a share of the files and
sends the trees back (a tree unpickles about four times faster than it parses); this process
parses the rest meanwhile. The loader then takes each file's tree from here instead of parsing
it. Files are chosen the way the loader walks folders; a file the loader never reaches costs
only its parse, and one the worker cannot read is left to the loader, which reports it.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from ..syntax import ast as A
from ..syntax.parser import parse
from .errors import InputError

Reader = Callable[[str], bytes]

MIN_BYTES = 256 * 1024  # below this, starting a process costs more than it saves
WORKER_SHARE = 0.42  # of the bytes: the worker also pickles what it parses


def prefetch(files: list[str], jobs: int, read: Reader) -> dict[str, tuple[bytes, A.SourceFile]]:
    """``{file: (bytes, tree)}`` for ``files`` read with ``read`` and parsed on two processes;
    empty when ``jobs`` < 2 or the files are small."""
    sizes = {f: _size(f) for f in files}
    total = sum(sizes.values())
    if jobs < 2 or total < MIN_BYTES or len(files) < 2:
        return {}
    theirs, ours, taken = [], [], 0
    for file in sorted(files, key=lambda f: -sizes[f]):
        if taken + sizes[file] <= WORKER_SHARE * total:
            theirs.append(file)
            taken += sizes[file]
        else:
            ours.append(file)
    from concurrent.futures import ProcessPoolExecutor  # only large inputs need it

    with ProcessPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(_parse_all, theirs, read)
        found = _parse_all(ours, read)
        found.update(pending.result())
    return found


def _parse_all(files: list[str], read: Reader) -> dict[str, tuple[bytes, A.SourceFile]]:
    found = {}
    for file in files:
        try:
            data = read(file)
        except InputError:
            continue
        found[file] = (data, parse(data, file))
    return found


def _size(file: str) -> int:
    try:
        return os.path.getsize(file)
    except OSError:
        return 0

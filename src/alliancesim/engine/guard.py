"""Refusing, at once and in plain words, to start worker processes from an unguarded script.

Worker processes are started with "spawn": each one imports the main script again. Code at
the top level of a script without ``if __name__ == "__main__":`` then runs again in every
worker, which tries to start workers of its own and dies; the pool breaks and the error
says nothing about why. :func:`check_main_guard` looks at where the call came from before
any process starts, and says what to add.
"""

from __future__ import annotations

import ast
import sys
from functools import cache
from pathlib import Path
from types import FrameType


class MainGuardError(RuntimeError):
    """Worker processes were asked for from top-level code of a script without a guard."""


def check_main_guard(what: str = "this") -> None:
    """Raise :class:`MainGuardError` if called from top-level code of the main script that
    is not under ``if __name__ == "__main__":``.

    Interactive sessions, notebooks and ``python -c`` have no script to import again, and
    calls from inside a guard, or from functions called from one, are fine.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    # Any script file counts, whatever its name ends with: workers run it again all the
    # same (``python myscript`` without ``.py`` included).
    if main is None or path is None or not Path(path).is_file():
        return
    line = _top_level_line(main.__dict__)
    if line is None or line in _guarded_lines(str(Path(path).resolve())):
        return
    raise MainGuardError(
        f"{what} starts worker processes, and each one runs the script {path} again from "
        f"the top (line {line} would run again in every worker). Put the code that runs "
        "it under  if __name__ == \"__main__\":  (as docs/commands.md shows), or pass workers=1 to "
        "run everything in this process")


def check_sendable(cls: type | None, backend: str) -> None:
    """Refuse a class that worker processes on this machine could not import: one defined
    in a notebook or an interactive session (Dask sends such classes by value)."""
    if cls is None or backend != "processes" or cls.__module__ != "__main__":
        return
    if getattr(sys.modules.get("__main__"), "__file__", None) is None:
        raise MainGuardError(
            f"{cls.__qualname__} is defined in this interactive session, so worker processes "
            "cannot import it; pass workers=1 to run in this process, or put the class in a "
            "module (a .py file) and import it from there")


def _top_level_line(main_globals: dict[str, object]) -> int | None:
    """The line of the main script's top-level code that led to this call, if any."""
    frame: FrameType | None = sys._getframe(1)
    found = None
    while frame is not None:
        if frame.f_globals is main_globals and frame.f_code.co_name == "<module>":
            found = frame.f_lineno
        frame = frame.f_back
    return found


@cache
def _guarded_lines(path: str) -> frozenset[int]:
    """Lines of ``path`` inside an ``if __name__ == "__main__":`` block (every line when
    the file cannot be read or parsed, so that nothing is refused on a guess)."""
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return _Everything()
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_main_test(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return frozenset(lines)


class _Everything(frozenset[int]):
    """A set that holds every line."""

    def __contains__(self, item: object) -> bool:
        return True


def _is_main_test(test: ast.expr) -> bool:
    """``__name__ == "__main__"`` (either way round)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1
            and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = {_plain(test.left), _plain(test.comparators[0])}
    return sides == {"__name__", "'__main__'"}


def _plain(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return repr(node.value)
    return None

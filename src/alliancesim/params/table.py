"""The parameter table of the ODD description, rendered from :data:`PARAMETERS`.

``python -m alliancesim.params.table docs/ODD.md`` rewrites the table between the markers in
the ODD file; a test checks that the committed table matches, so the two cannot drift apart.
"""

from __future__ import annotations

import sys
from pathlib import Path

from alliancesim.params.definitions import PARAMETERS, Parameter

START = "<!-- parameter-table:start -->"
END = "<!-- parameter-table:end -->"


def _range(p: Parameter) -> str:
    if p.kind == "choice":
        return ", ".join(p.choices)
    return f"{p.low:g} – {p.high:g}"


def markdown_table() -> str:
    """Every parameter in one Markdown table: name, meaning, unit, default, range, source.

    Parameters read only when the alliance is set up are marked "(set-up only)".
    """
    lines = [
        "| name | group | meaning | unit | default | range | source |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in PARAMETERS:
        group = f"{p.group} (set-up only)" if p.setup_only else p.group
        lines.append(f"| `{p.name}` | {group} | {p.meaning} | {p.unit} | {p.default} | "
                     f"{_range(p)} | {p.source} |")
    return "\n".join(lines)


def replace_table(text: str) -> str:
    """``text`` with the block between the markers replaced by the current table."""
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{markdown_table()}\n{END}{tail}"


def main(path: str) -> None:
    """Rewrite the parameter table in the file at ``path``."""
    file = Path(path)
    file.write_text(replace_table(file.read_text()))


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/ODD.md")

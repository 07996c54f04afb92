"""The one error a scenario can raise: it names the file, the field and what is allowed."""

from __future__ import annotations

from alliancesim.bounds import shortened


class ScenarioError(ValueError):
    """A scenario file (or dict) that cannot be used.

    Attributes:
        source: the file (or ``<scenario>`` for a dict) the problem is in.
        field: the offending field as a dotted path (``parameters.n_members``,
            ``timeline[2].severity``; timeline entries count from 1), or None for the whole file.
        message: what is wrong and what is allowed.
    """

    def __init__(self, source: str, field: str | None, message: str) -> None:
        self.source = source
        self.field = field
        self.message = message
        # A field named by the file itself (a parameter, a country) may be megabytes long.
        where = f"{source}: field {shortened(field)!r}: " if field else f"{source}: "
        super().__init__(where + message)

    def __reduce__(self) -> tuple[type, tuple[str, str | None, str]]:
        # Exceptions pickle through ``args``, which here holds only the joined text; worker
        # processes must hand the three parts back intact.
        return (type(self), (self.source, self.field, self.message))

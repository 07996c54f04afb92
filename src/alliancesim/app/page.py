"""The app module Solara serves (``SOLARA_APP=alliancesim.app.page``): ``Page`` and ``Layout``."""

from __future__ import annotations

from collections.abc import Sequence

import solara

from alliancesim.app.components import App


@solara.component
def Page() -> None:
    """The teaching app: one page with the live alliance and the comparison view."""
    solara.Title("alliancesim · the life of an alliance")
    App()


@solara.component
def Layout(children: Sequence[solara.Element] = ()) -> None:
    """No default app bar or sidebar chrome: the page lays itself out."""
    solara.Column(children=list(children), style={"padding": "0"})

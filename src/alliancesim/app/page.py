"""The app module Solara serves (``SOLARA_APP=alliancesim.app.page``): its ``routes``, each
rendering :func:`AppPage` in :func:`Layout`.

Started with ``--class``, the server also has class mode's pages: ``/join`` for the
students' phones and ``/class`` for the teacher. Everything but ``/join`` stays on the
teacher's machine: a connection from elsewhere on the network gets the students' page
whatever path it asks for.
"""

from __future__ import annotations

from collections.abc import Sequence

import solara

from alliancesim.app.class_pages import (
    JOIN_PATH,
    TEACHER_PATH,
    StudentPage,
    TeacherPage,
    connection_is_local,
)
from alliancesim.app.components import App
from alliancesim.app.server import class_mode_on

STUDENT, TEACHER, TEACHING_APP = "student", "teacher", "app"


def page_for(path: str, local: bool, classroom: bool) -> str:
    """Which page a connection gets: outside class mode the teaching app; in class mode
    ``/join``, and anything a device elsewhere on the network asks for, the students' page;
    ``/class`` on this machine the teacher's page."""
    if not classroom:
        return TEACHING_APP
    if path.startswith(JOIN_PATH) or not local:
        return STUDENT
    return TEACHER if path.startswith(TEACHER_PATH) else TEACHING_APP


@solara.component
def AppPage() -> None:
    """The teaching app: one page with the live alliance and the comparison view (and in
    class mode the class's pages)."""
    shown = page_for(solara.use_router().path, connection_is_local(), class_mode_on())
    if shown == STUDENT:
        solara.Title("alliancesim · join the class")
        StudentPage()
    elif shown == TEACHER:
        solara.Title("alliancesim · class mode")
        TeacherPage()
    else:
        solara.Title("alliancesim · the life of an alliance")
        App()


@solara.component
def Layout(children: Sequence[solara.Element] = ()) -> None:
    """No default app bar or sidebar chrome: the page lays itself out."""
    solara.Column(children=list(children), style={"padding": "0"})


# One component for every path: it decides from the path and the connection what to show,
# so a path a student types cannot reach a page that is not for them.
routes = [
    solara.Route(path="/", component=AppPage, layout=Layout),
    solara.Route(path=TEACHER_PATH.strip("/"), component=AppPage),
    solara.Route(path=JOIN_PATH.strip("/"), component=AppPage),
]

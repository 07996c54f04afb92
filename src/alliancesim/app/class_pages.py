"""Class mode's pages: the teacher's projector page (``/class``) and the students' page
(``/join``), both over one :class:`~alliancesim.app.classroom.ClassSession`.

A ``solara.reactive`` belongs to one browser tab, so the class's shared state lives in the
plain session object (one per server), and every tab keeps a small thread that waits for the
session's next change and bumps its own counter to redraw (:func:`use_session_version`).
The teacher's page is served only to this machine; a phone on the network gets the
students' page whatever address it asks for (:mod:`alliancesim.app.origin` says which
connection is local, and the client cannot say it itself).
"""

from __future__ import annotations

import html
import os
import threading
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import solara

from alliancesim.app.class_model import CONFLICT, DISENGAGED, STAGNATION, STAY, TIME
from alliancesim.app.classroom import (
    CHOSEN,
    DEFAULT_TIME_LIMIT,
    DEFAULTED,
    ClassError,
    ClassSession,
    Student,
    beside_the_model,
)
from alliancesim.app.components import CSS as APP_CSS
from alliancesim.app.origin import LOCAL_HEADER
from alliancesim.app.scenarios import list_scenarios
from alliancesim.app.state import Settings
from alliancesim.app.views import network_option, phase_segments, timeline_html
from alliancesim.model.events import Event
from alliancesim.model.organizations import SECTOR_LABELS

JOIN_PATH = "/join"
TEACHER_PATH = "/class"
# Redraws wait this long after a change for the next one: thirty answers in a second then
# cost a few redraws, not thirty.
COALESCE = 0.05
TIME_LIMITS = {"30 seconds": 30.0, "45 seconds": 45.0, "60 seconds": 60.0, "90 seconds": 90.0,
               "3 minutes": 180.0}
QUESTION_WORDS = {
    TIME: "How much of your time goes to managing the alliance?",
    CONFLICT: "A conflict! How does your organization meet it?",
    STAGNATION: "Work has stalled. Put it on the table?",
    DISENGAGED: "Your commitment has drained away. Stay or leave?",
    STAY: "The alliance is re-evaluated. Go on with it?",
}
OPTION_WORDS = {
    "none": "None of my time", "half": "Half my share", "equal": "My equal share",
    "more": "One and a half shares", "double": "Twice my share",
    "discuss": "Discuss it now", "let it be": "Let it be",
    "stay": "Stay", "leave": "Leave",
}

EMPTY_NETWORK: dict[str, Any] = {"series": [{"type": "graph", "layout": "none", "data": []}]}
WHO_CHOSE = {CHOSEN: "you chose", DEFAULTED: "the model chose"}

_lock = threading.Lock()
_current: dict[str, ClassSession] = {}


def current_session() -> ClassSession | None:
    """The class session this server runs, if the teacher opened one."""
    with _lock:
        return _current.get("session")


def open_session(session: ClassSession) -> ClassSession:
    """Make ``session`` the server's class session (the previous one stops)."""
    with _lock:
        old = _current.get("session")
        _current["session"] = session
    if old is not None:
        old.stop()
    return session


def close_session() -> None:
    """No class session any more (students' tokens stop working with it)."""
    with _lock:
        old = _current.pop("session", None)
    if old is not None:
        old.stop()


def connection_is_local() -> bool:
    """Whether this tab's connection comes from the machine the app runs on (as the
    server's middleware says; a header the browser sent itself never reaches here)."""
    headers = solara.lab.headers.value or {}
    return (headers.get(LOCAL_HEADER) or ["0"])[0] == "1"


def join_address() -> str:
    """Where students join (set by ``alliancesim app --class``)."""
    return os.environ.get("ALLIANCESIM_JOIN_ADDRESS", f"http://127.0.0.1:8765{JOIN_PATH}")


def qr_svg(text: str) -> str:
    """A QR code of ``text`` as an inline SVG image, drawn on this machine."""
    import segno

    uri = segno.make(text, error="m").svg_data_uri(scale=6, border=2)
    return f'<img class="as-qr" alt="QR code of {html.escape(text)}" src="{uri}">'


def use_session_version(session: ClassSession | None,
                        key: Callable[[], Hashable] | None = None,
                        dependencies: Sequence[Any] = ()) -> int:
    """Redraw the calling component when the session changes, and every second while a
    question is open (its countdown); with ``key``, only when what ``key`` returns changes
    (a phone redraws for its own member, not for every month). Returns a redraw count."""
    count = solara.use_reactive(0)

    def follow(cancel: threading.Event) -> None:
        seen, drawn = -1, None
        while session is not None and not cancel.is_set():
            now = session.wait_for_change(seen, 1.0)
            if cancel.wait(COALESCE):
                return
            changed = now != seen
            seen = session.version
            if key is not None:
                try:
                    current = key()
                except RuntimeError:  # a list the worker changed meanwhile: read it again
                    seen = -1
                    continue
                changed, drawn = current != drawn, current
            elif session.question is not None:
                changed = True  # the countdown
            if changed:
                count.set(count.value + 1)

    solara.use_thread(follow, dependencies=[session, *dependencies], intrusive_cancel=False)
    return count.value


def recent_events(session: ClassSession, member: str, months: int = 2) -> list[Event]:
    """The events of the last ``months`` months that name ``member``, newest first."""
    if session.watched is None or not member:
        return []
    model = session.watched.model
    found = []
    for event in reversed(model.events):
        if event.month < model.month - months + 1:
            break
        if member in event.actors:
            found.append(event)
    return found


def student_key(session: ClassSession, token: str) -> Hashable:
    """What a student's page shows, in short: it redraws only when this changes."""
    student = session.student(token) if token else None
    if student is None:
        return ("not in the class", bool(token))
    member = session.member_of(token)
    pending = session.pending(token)
    phase = session.watched.model.phase if session.watched is not None else ""
    decisions = sum(1 for entry in session.log if entry.student == student.name)
    return (student.member, member.commitment_state if member else "", phase,
            (pending.question, pending.answered, int(pending.seconds_left)) if pending else None,
            decisions, tuple(id(e) for e in recent_events(session, student.member)))


CSS = """
.as-class { font-size: 18px; padding: 12px; max-width: 100vw; box-sizing: border-box; }
.as-class h1 { font-size: 26px; margin: 4px 0; }
.as-code { font-size: 64px; font-weight: 700; letter-spacing: 8px; font-family: monospace; }
.as-qr { width: 220px; height: 220px; image-rendering: pixelated; }
.as-join { max-width: 360px; }
.as-join .v-btn { min-height: 48px; font-size: 18px; width: 100%; margin: 4px 0; }
.as-option { display: block; }
.as-countdown { font-size: 22px; font-weight: 700; color: #b71c1c; }
.as-roster li { margin: 2px 0; }
.as-beside td, .as-beside th { padding: 2px 8px; text-align: right; }
.as-beside td:first-child, .as-beside th:first-child { text-align: left; }
"""


# --- the students' page --------------------------------------------------------------------
@solara.component
def StudentPage() -> None:
    """A phone's page: join with the code, then answer for one's own member."""
    solara.Style(CSS)
    session = current_session()
    token, set_token = solara.use_state("")
    version = use_session_version(
        session, key=lambda: student_key(session, token) if session else None,
        dependencies=[token])
    with solara.Column(classes=["as-class", "as-join"]):
        if session is None:
            solara.HTML(tag="h1", unsafe_innerHTML="No class is open")
            solara.Text("Wait for the teacher to open the class, then reload this page.")
            return
        student = session.student(token) if token else None
        if student is None:
            JoinForm(session, set_token, removed=bool(token))
        else:
            StudentView(session, student, version)


@solara.component
def JoinForm(session: ClassSession, set_token: Callable[[str], None],
             removed: bool = False) -> None:
    """The code and a display name; nothing else is asked or kept."""
    code, set_code = solara.use_state("")
    name, set_name = solara.use_state("")
    error, set_error = solara.use_state("")

    def join() -> None:
        try:
            set_token(session.join(code, name).token)
            set_error("")
        except ClassError as problem:
            set_error(str(problem))

    solara.HTML(tag="h1", unsafe_innerHTML="Join the class")
    if removed:
        solara.Warning("This device was removed from the class. Join again if the teacher "
                       "says so.")
    solara.InputText("Code on the projector", value=code, on_value=set_code,
                     continuous_update=True, classes=["as-code-input"])
    solara.InputText("Your name (or your group's)", value=name, on_value=set_name,
                     continuous_update=True, classes=["as-name-input"])
    solara.Text("Only this name is kept, for this lesson.")
    solara.Button("Join", color="primary", on_click=join, classes=["as-join-button"])
    if error:
        solara.Error(error, classes=["as-join-error"])


@solara.component
def StudentView(session: ClassSession, student: Student, version: int = 0) -> None:
    """Who the student speaks for, the question waiting for them, and what came of it
    (``version``: the session's, so the view redraws when it changes)."""
    member = session.member_of(student.token)
    solara.HTML(tag="h1", unsafe_innerHTML=html.escape(student.name))
    if member is None:
        solara.Info("No organization is free for you yet: you get the next one to join the "
                    "alliance.", classes=["as-no-member"])
    else:
        where = f" from {member.country}" if member.country else ""
        state = member.commitment_state
        sector = SECTOR_LABELS.get(member.sector, member.sector)
        article = "an" if sector[:1].lower() in "aeiou" or sector == "NGO" else "a"
        solara.HTML(tag="div", classes=["as-member"], unsafe_innerHTML=(
            f"You speak for <b>{html.escape(member.name)}</b>, {article} "
            f"{html.escape(sector)} organization{html.escape(where)}. "
            f"Its commitment: <b>{state}</b>."))
    if session.watched is not None:  # the phase only: a phone does not redraw every month
        solara.Text(f"The alliance is {session.watched.model.phase}.",
                    classes=["as-student-phase"])
    QuestionCard(session, student, version)
    Results(session, student, version)


@solara.component
def QuestionCard(session: ClassSession, student: Student, version: int = 0) -> None:
    """The open question for the student's member: options, countdown, their answer."""
    pending = session.pending(student.token)
    error, set_error = solara.use_state("")
    if pending is None:
        solara.Text("No question for you right now.", classes=["as-waiting"])
        return

    def choose(option: str) -> Callable[[], None]:
        def answer() -> None:
            try:
                session.answer(student.token, pending.question, option)
                set_error("")
            except ClassError as problem:
                set_error(str(problem))
        return answer

    with solara.Card(classes=["as-question"]):
        solara.HTML(tag="div", unsafe_innerHTML=(
            f"<b>{html.escape(QUESTION_WORDS[pending.kind])}</b><br>"
            f"Month {pending.month}: {html.escape(pending.about)}"))
        solara.HTML(tag="div", classes=["as-countdown"],
                    unsafe_innerHTML=f"{int(pending.seconds_left)} s left")
        for option in pending.options:
            chosen = option == pending.answered
            solara.Button(OPTION_WORDS.get(option, option), on_click=choose(option),
                          color="primary", outlined=not chosen,
                          classes=["as-option", f"as-option-{option.replace(' ', '-')}"])
        if pending.answered:
            solara.Text(f"Your answer: {OPTION_WORDS.get(pending.answered, pending.answered)}"
                        " (you may change it until time is up).", classes=["as-answered"])
        else:
            solara.Text("No answer in time? The model chooses for your organization.")
        if error:
            solara.Error(error)


@solara.component
def Results(session: ClassSession, student: Student, version: int = 0) -> None:
    """The student's latest decisions and what happened to their member since."""
    mine = [e for e in session.log if e.student == student.name][-3:]
    lines = [f"Month {e.month}: {e.decision}, {WHO_CHOSE[e.how]} "
             f"{OPTION_WORDS.get(e.choice, e.choice).lower()}" for e in reversed(mine)]
    lines += [f"Month {e.month}: {e.kind}" + (f", {e.outcome}" if e.outcome else "")
              for e in recent_events(session, student.member)[:3]]
    if lines:
        solara.HTML(tag="ul", classes=["as-results"], unsafe_innerHTML="".join(
            f"<li>{html.escape(line)}</li>" for line in lines))


# --- the teacher's page --------------------------------------------------------------------
@solara.component
def TeacherPage() -> None:
    """The projector page: code and QR, who joined, the shared alliance and the controls."""
    solara.Style(APP_CSS + CSS)
    session, set_session = solara.use_state(current_session())
    version = use_session_version(session)
    with solara.Column(classes=["as-class", "as-teacher"]):
        if session is None:
            OpenClass(set_session)
            return
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "24px"}):
            with solara.Column(gap="0"):
                solara.Text("Join at " + join_address(), classes=["as-join-address"])
                solara.HTML(tag="div", classes=["as-code"], unsafe_innerHTML=session.code)
            solara.HTML(tag="div", unsafe_innerHTML=qr_svg(join_address()))
            Roster(session, version)
        TeacherControls(session, set_session, version)
        SharedAlliance(session, version)


@solara.component
def OpenClass(set_session: Callable[[ClassSession | None], None]) -> None:
    """Pick a scenario, seed and time limit, and open the class."""
    choices = [c for c in list_scenarios() if not c.error]
    names = [c.name for c in choices]
    name, set_name = solara.use_state(names[0] if names else "")
    limit, set_limit = solara.use_state(next(k for k, v in TIME_LIMITS.items()
                                             if v == DEFAULT_TIME_LIMIT))

    def open_class() -> None:
        choice = next(c for c in choices if c.name == name)
        seed = choice.teaching_seed if choice.teaching_seed is not None else 1
        settings = Settings(params=choice.params, seed=seed, timeline=choice.timeline,
                            scenario=choice.name, teaching_seed=choice.teaching_seed,
                            description=choice.description, partners=choice.partners)
        set_session(open_session(ClassSession(settings, time_limit=TIME_LIMITS[limit])))

    solara.HTML(tag="h1", unsafe_innerHTML="Class mode: the class plays the alliance")
    solara.Select("Scenario", values=names, value=name, on_value=set_name)
    solara.Select("Time to answer", values=list(TIME_LIMITS), value=limit, on_value=set_limit)
    solara.Button("Open the class", color="primary", on_click=open_class,
                  classes=["as-open-class"])


@solara.component
def Roster(session: ClassSession, version: int = 0) -> None:
    """The students who joined, with the member each speaks for; a device can be removed."""
    students = session.roster()
    with solara.Column(gap="0", classes=["as-roster"]):
        solara.Text(f"{len(students)} joined", classes=["as-joined-count"])
        with solara.Row(style={"flex-wrap": "wrap", "max-width": "700px"}, gap="4px"):
            for student in students:
                label = student.name + (f" · {student.member}" if student.member else "")
                solara.Button(label + " ✕", text=True, small=True,
                              on_click=lambda s=student: session.remove(s.id),
                              classes=["as-remove"])


@solara.component
def TeacherControls(session: ClassSession, set_session: Callable[[Any], None],
                    version: int = 0) -> None:
    """Start, play, ask, close, export; and the class beside the model."""
    error, set_error = solara.use_state("")
    beside, set_beside = solara.use_state(None)

    def guarded(action: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                action()
                set_error("")
            except ClassError as problem:
                set_error(str(problem))
        return run

    def end_class() -> None:
        close_session()
        set_session(None)

    started = session.watched is not None
    # Nothing to play once the alliance has ended (or before it starts).
    idle = not session.busy and started and session.watched.model.running
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
        if not started:
            solara.Button("Start the alliance", color="primary", on_click=guarded(session.start),
                          classes=["as-start"])
        else:
            solara.Button("Next month", on_click=guarded(lambda: session.advance(1)),
                          disabled=not idle, classes=["as-next"])
            solara.Button("Play 12 months", on_click=guarded(lambda: session.advance(12)),
                          disabled=not idle, classes=["as-play12"])
            solara.Button("Class month (conflicts too)",
                          on_click=guarded(lambda: session.advance(1, conflicts=True)),
                          disabled=not idle, classes=["as-class-month"])
            solara.Button("Ask everyone's time", on_click=guarded(session.ask_time_now),
                          disabled=not idle, classes=["as-ask-time"])
            solara.Button("Close the question", on_click=session.close_question,
                          disabled=session.question is None, classes=["as-close-question"])
            solara.Button("Stop", on_click=session.stop, disabled=not session.busy,
                          classes=["as-stop"])
            solara.FileDownload(session.log_csv, "class-decisions.csv",
                                label="Decisions (CSV)")
            solara.FileDownload(lambda: class_debrief(session), "class-debrief.png",
                                label="Debrief (PNG)")
            solara.Button("Beside the model", disabled=session.busy,
                          on_click=lambda: set_beside(beside_the_model(session)))
        solara.Button("End the class", text=True, on_click=end_class)
    if error:
        solara.Error(error)
    if session.problem:
        solara.Error(session.problem)
    question = session.question
    if question is not None:
        answered, asked = session.answered_count()
        left = int(session.seconds_left())
        solara.HTML(tag="div", classes=["as-open-question"], unsafe_innerHTML=(
            f"<b>{html.escape(QUESTION_WORDS[question.kind])}</b> "
            f"{answered} of {asked} answered · <span class='as-countdown'>{left} s</span>"))
    if beside:
        BesideTable(beside)


@solara.component
def SharedAlliance(session: ClassSession, version: int = 0) -> None:
    """The shared alliance as the whole class sees it: month, phases, members."""
    watched = session.watched
    model = watched.model if watched is not None else None
    # Redrawn when the month, the members or the ending change, not at every answer.
    shown = (model.month, len(model.members), model.outcome) if model else (-1, 0, "")

    def draw() -> tuple[str, dict[str, Any], str]:
        if watched is None or model is None:
            return "The alliance starts when everyone has joined.", EMPTY_NETWORK, ""
        with session.model_lock:  # the worker computes under this lock; draw between steps
            status = f"Month {model.month} · {model.phase} · {len(model.members)} members"
            return (status, network_option(model, watched.layout),
                    timeline_html(phase_segments(model)))

    status, option, timeline = solara.use_memo(draw, dependencies=[model, *shown])
    solara.Text(status, classes=["as-class-status"])
    solara.HTML(unsafe_innerHTML=timeline, classes=["as-timeline"])
    # The chart is on the page from the start: ECharts loads once, before the first
    # alliance is drawn, and every later month only updates it.
    solara.FigureEcharts(option=option, responsive=True, attributes={
        "style": "height: 420px; width: 100%;", "class": "as-network",
        "data-month": str(shown[0]), "data-members": str(shown[1])})


def class_debrief(session: ClassSession) -> bytes:
    """The class's debrief page: its run, the two compared modes over 100 paired seeds of
    the same parameters (run in the worker process), its choices, and the model beside it."""
    from alliancesim.app.debrief import debrief_png, paired_in_background

    watched = session.watched
    if watched is None:
        raise ClassError("Start the class's alliance first.")
    runs = paired_in_background(session.settings)
    with session.model_lock:
        beside = beside_the_model(session)
        title = (f"Class debrief: {session.settings.scenario or 'alliance'}, seed "
                 f"{session.settings.seed}, month {watched.model.month}")
        return debrief_png(watched.model, watched.story, session.settings, runs, title,
                           class_log=session.log_rows(), beside=beside)


def beside_html(rows: list[dict[str, Any]]) -> str:
    """The class's run beside the model's as an HTML table (runs as columns)."""
    fields = [k for k in rows[0] if k != "run"]
    head = "".join(f"<th>{html.escape(r['run'])}</th>" for r in rows)

    def cell(value: Any) -> str:
        return f"{value:.2f}" if isinstance(value, float) else html.escape(str(value))

    body = "".join(f"<tr><td>{f.replace('_', ' ')}</td>"
                   + "".join(f"<td>{cell(r[f])}</td>" for r in rows) + "</tr>" for f in fields)
    return f"<table class='as-beside'><tr><th></th>{head}</tr>{body}</table>"


@solara.component
def BesideTable(rows: list[dict[str, Any]]) -> None:
    """The class beside the model: same seed, same parameters."""
    solara.HTML(unsafe_innerHTML=beside_html(rows))

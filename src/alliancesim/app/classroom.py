"""A class session: the students play the members of one shared alliance.

Plain Python, no Solara, so every rule is tested without a browser. The teacher opens a
session on a scenario and seed; it shows a short join code. Up to 40 students (or groups)
join with the code and a display name (nothing else is kept about them) and each is given a
member organization of the alliance, in the order members join it. The model runs in a
worker thread; when it reaches a question (:mod:`alliancesim.app.class_model`) the students
whose member is concerned have ``time_limit`` seconds to answer; those who do not get the
model's own choice. Every answer, chosen or defaulted, is logged and can be exported as CSV.

Security: each student holds a secret token the server gave them at joining; an answer is
taken only with the token of the student who holds the member asked, for an open question,
with one of its options. The teacher can remove a device (its token stops working).

Locks: ``_cond`` guards the session's state; ``model_lock`` is held while the model
computes, and released while a question waits, so pages can draw the alliance then. The
model lock is never taken while ``_cond`` is held.
"""

from __future__ import annotations

import csv
import io
import math
import re
import secrets
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from alliancesim.app.class_model import (
    KINDS,
    OPTIONS,
    Ask,
    ClassAllianceModel,
    ClassMember,
)
from alliancesim.app.state import Settings, Watched, build_alliance

MAX_STUDENTS = 40
CODE_LENGTH = 6
# No 0/O, 1/I/L: a code read off a projector is typed without guessing.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
NAME_LENGTH = 24
# Letters of any script, digits, spaces and a few marks names use; nothing that is markup.
_NAME_PATTERN = re.compile(r"^[\w][\w .'\-]*$")
DEFAULT_TIME_LIMIT = 45.0
# A month open to conflicts asks the class about at most this many (two parties each).
CONFLICTS_PER_CLASS_MONTH = 2
# The management mode a class plays unless the teacher picks another: the one in which the
# members' own time and choices carry the management work.
CLASS_MODE = "transversal"
CHOSEN, DEFAULTED = "chosen", "defaulted"
LOG_COLUMNS = ("month", "member", "student", "decision", "choice", "how", "model_choice")


class ClassError(ValueError):
    """A request the session refuses, with a message a student or teacher can read."""


def members_for(students: int, founding_quorum: float) -> int:
    """Members the alliance seeks so that each of ``students`` is likely to get one when it
    is founded: it is founded once ``founding_quorum`` of the seats sought are filled."""
    return math.ceil(students / founding_quorum) + 1


def new_code() -> str:
    """A random join code of :data:`CODE_LENGTH` easily read characters."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def clean_name(text: str) -> str:
    """A display name as typed, checked: 1-24 letters, digits, spaces, ``.'-``."""
    name = " ".join(unicodedata.normalize("NFC", str(text)).split())
    if not name:
        raise ClassError("Type a name the class will see (a first name or a group name).")
    if len(name) > NAME_LENGTH:
        raise ClassError(f"A name of at most {NAME_LENGTH} characters, please.")
    if not _NAME_PATTERN.match(name):
        raise ClassError("Use letters, digits, spaces and . ' - only.")
    return name


@dataclass
class Student:
    """A joined device: its display name and the member it speaks for."""

    id: str
    name: str
    token: str = field(repr=False)
    member: str = ""  # '' until a member is free for it


@dataclass
class Question:
    """One question to the class: a kind, a month, one part per member asked."""

    id: int
    kind: str
    month: int
    asks: tuple[Ask, ...]
    deadline: float
    answers: dict[str, str] = field(default_factory=dict)
    closed: bool = False

    @property
    def options(self) -> tuple[str, ...]:
        """What may be answered."""
        return OPTIONS[self.kind]

    def part(self, member: str) -> Ask | None:
        """The part of the question for ``member``, if it is asked."""
        return next((a for a in self.asks if a.member == member), None)


@dataclass(frozen=True)
class LogEntry:
    """A decision taken in class: chosen by the student, or the model's (defaulted)."""

    month: int
    member: str
    student: str
    decision: str
    choice: str
    how: str
    model_choice: str


@dataclass(frozen=True)
class Pending:
    """What a student's page shows while their member is asked."""

    question: int
    kind: str
    month: int
    about: str
    options: tuple[str, ...]
    default: str
    answered: str
    seconds_left: float


class ClassSession:
    """One class playing one alliance (see the module's description)."""

    def __init__(self, settings: Settings, *, mode: str = CLASS_MODE,
                 time_limit: float = DEFAULT_TIME_LIMIT, max_students: int = MAX_STUDENTS,
                 code: str | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        if not 1 <= max_students <= MAX_STUDENTS:
            raise ClassError(f"A class session takes 1 to {MAX_STUDENTS} students.")
        self.settings = replace(settings, params=settings.with_mode(mode),
                                model_class=ClassAllianceModel)
        self.mode = mode
        self.time_limit = float(time_limit)
        self.max_students = max_students
        self.code = code or new_code()
        self._clock = clock
        self._cond = threading.Condition(threading.RLock())
        self.model_lock = threading.Lock()
        self.version = 0
        self.students: dict[str, Student] = {}
        self._by_token: dict[str, str] = {}
        self._joined = 0
        self.watched: Watched | None = None
        self.question: Question | None = None
        self.last_question: Question | None = None
        self._questions = 0
        self.log: list[LogEntry] = []
        self.busy = False
        self._stop = False
        self._conflict_month: int | None = None
        self._conflicts_left = 0
        self._worker: threading.Thread | None = None
        self._computing = 0  # the thread that holds the model lock to compute
        self.problem = ""

    # --- change notification -------------------------------------------------------------
    def _changed(self) -> None:
        """Wake every page waiting for a change (call with ``_cond`` held)."""
        self.version += 1
        self._cond.notify_all()

    def wait_for_change(self, seen: int, timeout: float) -> int:
        """Block until the session's version differs from ``seen`` or ``timeout`` passes;
        returns the version now. Pages loop on this to redraw when anything changes."""
        with self._cond:
            self._cond.wait_for(lambda: self.version != seen, timeout=timeout)
            return self.version

    # --- joining -------------------------------------------------------------------------
    def join(self, code: str, name: str) -> Student:
        """A student joins with the code and a display name; returns them with their
        token (the only proof they are that student)."""
        typed = "".join(str(code).split()).upper()
        if not secrets.compare_digest(typed.encode(), self.code.encode()):
            raise ClassError("That is not this class's code: check the projector.")
        name = clean_name(name)
        with self._cond:
            if len(self.students) >= self.max_students:
                raise ClassError(f"The class is full ({self.max_students} students).")
            if any(s.name.casefold() == name.casefold() for s in self.students.values()):
                raise ClassError(f"Someone is already called {name!r}: pick another name.")
            self._joined += 1
            student = Student(f"s{self._joined}", name, secrets.token_urlsafe(24))
            self.students[student.id] = student
            self._by_token[student.token] = student.id
            self._assign_members()
            self._changed()
            return replace(student)

    def student(self, token: str) -> Student | None:
        """The student holding ``token`` (a copy), or None for an unknown or removed one."""
        with self._cond:
            found = self._by_token.get(str(token))
            return replace(self.students[found]) if found else None

    def remove(self, student_id: str) -> None:
        """The teacher removes a device: its token stops working, its member is free."""
        with self._cond:
            student = self.students.pop(student_id, None)
            if student is None:
                return
            self._by_token.pop(student.token, None)
            self._assign_members()
            self._changed()

    def roster(self) -> list[Student]:
        """The joined students in joining order (copies, tokens blanked)."""
        with self._cond:
            return [replace(s, token="") for s in self.students.values()]

    def _holder(self, member: str) -> Student | None:
        return next((s for s in self.students.values() if s.member == member), None)

    def _assign_members(self) -> None:
        """Give every student without an active member a free one, in joining order."""
        if self.watched is None:
            return
        active = [m.name for m in self.watched.model.members]
        held = {s.member for s in self.students.values() if s.member in active}
        free = [name for name in active if name not in held]
        for student in self.students.values():
            if student.member not in active and free:
                student.member = free.pop(0)

    # --- the alliance --------------------------------------------------------------------
    def start(self) -> None:
        """Start the alliance: enough members for everyone who joined so far."""
        with self._cond:
            if self.watched is not None:
                raise ClassError("The class's alliance has started already.")
            params = dict(self.settings.params)
            params["n_members"] = max(int(params["n_members"]), members_for(
                len(self.students), float(params["founding_quorum"])))
            self.settings = replace(self.settings, params=params)
        watched = build_alliance(params, self.settings, label="class")
        model = watched.model
        assert isinstance(model, ClassAllianceModel)
        model.desk = self
        with self._cond:
            self.watched = watched
            self._assign_members()
            self._changed()

    @property
    def model(self) -> ClassAllianceModel:
        """The class's alliance (start the session first)."""
        if self.watched is None:
            raise ClassError("The class's alliance has not started yet.")
        model = self.watched.model
        assert isinstance(model, ClassAllianceModel)
        return model

    def advance(self, months: int = 1, conflicts: bool = False) -> None:
        """Play ``months`` months on the worker thread (``conflicts``: the class decides
        conflicts in them too); returns at once. Refused while the worker is busy."""
        self._begin(lambda: self._play(months, conflicts))

    def ask_time_now(self) -> None:
        """Ask every student now how much of their member's time goes to management."""
        self._begin(self._ask_time)

    def _ask_time(self) -> None:
        with self._computing_model():
            self.model.ask_time_shares()

    def _begin(self, job: Callable[[], None]) -> None:
        with self._cond:
            if self.watched is None:
                raise ClassError("Start the class's alliance first.")
            if self.busy:
                raise ClassError("The alliance is still playing.")
            self.busy, self._stop = True, False
            self._changed()
        self._worker = threading.Thread(target=self._work, args=(job,), daemon=True,
                                        name=f"class-{self.code}")
        self._worker.start()

    @contextmanager
    def _computing_model(self) -> Iterator[None]:
        """Hold the model lock while the model computes (one month or one question)."""
        with self.model_lock:
            self._computing = threading.get_ident()
            try:
                yield
            finally:
                self._computing = 0

    def _work(self, job: Callable[[], None]) -> None:
        try:
            job()
        except Exception as error:  # shown to the teacher; the session stays usable
            with self._cond:
                self.problem = f"{type(error).__name__}: {error}"
        finally:
            with self._cond:
                self.busy = False
                self._changed()

    def _play(self, months: int, conflicts: bool) -> None:
        watched = self.watched
        assert watched is not None
        for _ in range(months):
            with self._cond:
                if self._stop or not watched.model.running:
                    return
                self._conflict_month = watched.model.month + 1 if conflicts else None
                self._conflicts_left = 2 * CONFLICTS_PER_CLASS_MONTH
            with self._computing_model():  # pages draw between months
                watched.model.step()
                watched.story.update(watched.model)
            with self._cond:
                self._assign_members()
                self._changed()

    def stop(self) -> None:
        """Stop after the month being played; an open question closes on its defaults."""
        with self._cond:
            self._stop = True
            if self.question is not None:
                self.question.closed = True
            self._changed()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until the worker has finished; returns whether it has."""
        with self._cond:
            return self._cond.wait_for(lambda: not self.busy, timeout=timeout)

    # --- the desk the model asks ---------------------------------------------------------
    def asks_conflicts(self, month: int) -> bool:
        """Whether a conflict now goes to the class (a month opened to conflicts, while
        its allowance lasts)."""
        with self._cond:
            if self._conflict_month != month or self._conflicts_left <= 0:
                return False
            self._conflicts_left -= 1
            return True

    def ask(self, kind: str, month: int, asks: Sequence[Ask]) -> dict[str, str]:
        """Ask the students holding the members in ``asks``; wait until all answered, the
        time limit passed or the teacher closed the question; returns each member's
        choice (the model's own for members nobody holds or who did not answer)."""
        chosen = {a.member: a.default for a in asks}
        with self._cond:
            self._assign_members()  # members who joined earlier in this month
            held = tuple(a for a in asks if self._holder(a.member) is not None)
            if not held or self._stop:
                return chosen
            self._questions += 1
            question = Question(self._questions, kind, month, held,
                                self._clock() + self.time_limit)
            self.question = question
            self._changed()
        # Pages may draw the alliance while the class thinks (the worker's lock only: a
        # model stepped by hand, as in tests, holds none).
        computing = threading.get_ident() == self._computing
        if computing:
            self.model_lock.release()
        try:
            with self._cond:
                while not self._settled(question):
                    self._cond.wait(timeout=max(0.05, question.deadline - self._clock()))
                chosen.update(self._close(question))
        finally:
            if computing:
                self.model_lock.acquire()
        return chosen

    def _settled(self, question: Question) -> bool:
        if question.closed or self._clock() >= question.deadline:
            return True
        waiting = [a for a in question.asks if a.member not in question.answers
                   and self._holder(a.member) is not None]
        return not waiting

    def _close(self, question: Question) -> dict[str, str]:
        """Log every part of the closed question; returns the choices taken."""
        question.closed = True
        taken = {}
        for part in question.asks:
            answer = question.answers.get(part.member)
            holder = self._holder(part.member)
            choice = answer if answer is not None else part.default
            taken[part.member] = choice
            self.log.append(LogEntry(question.month, part.member,
                                     holder.name if holder else "", question.kind, choice,
                                     CHOSEN if answer is not None else DEFAULTED,
                                     part.default))
        self.question, self.last_question = None, question
        self._changed()
        return taken

    def close_question(self) -> None:
        """The teacher closes the open question now: who has not answered gets the
        model's choice."""
        with self._cond:
            if self.question is not None:
                self.question.closed = True
                self._changed()

    # --- answering -----------------------------------------------------------------------
    def answer(self, token: str, question_id: int, option: str) -> None:
        """A student answers for their own member; anything else is refused."""
        with self._cond:
            student_id = self._by_token.get(str(token))
            if student_id is None:
                raise ClassError("This device is not in the class: join with the code.")
            student = self.students[student_id]
            question = self.question
            if question is None or question.id != question_id or question.closed:
                raise ClassError("That question is closed.")
            part = question.part(student.member) if student.member else None
            if part is None:
                raise ClassError("Your organization is not asked this time.")
            if option not in question.options:
                raise ClassError(f"Choose one of: {', '.join(question.options)}.")
            question.answers[part.member] = option
            self._changed()

    def pending(self, token: str) -> Pending | None:
        """The open question for the student holding ``token``, if their member is asked."""
        with self._cond:
            student_id = self._by_token.get(str(token))
            question = self.question
            if student_id is None or question is None or question.closed:
                return None
            part = question.part(self.students[student_id].member)
            if part is None:
                return None
            return Pending(question.id, question.kind, question.month, part.about,
                           question.options, part.default,
                           question.answers.get(part.member, ""),
                           max(0.0, question.deadline - self._clock()))

    def seconds_left(self) -> float:
        """Seconds until the open question closes on the defaults (0 when none is open)."""
        with self._cond:
            if self.question is None:
                return 0.0
            return max(0.0, self.question.deadline - self._clock())

    def answered_count(self) -> tuple[int, int]:
        """(answered, asked) for the open question; (0, 0) when none is open."""
        with self._cond:
            if self.question is None:
                return 0, 0
            return len(self.question.answers), len(self.question.asks)

    # --- records -------------------------------------------------------------------------
    def log_rows(self) -> list[dict[str, Any]]:
        """The decision log as rows (one per member and question)."""
        with self._cond:
            return [dict(zip(LOG_COLUMNS, (e.month, e.member, e.student, e.decision,
                                           e.choice, e.how, e.model_choice), strict=True))
                    for e in self.log]

    def log_csv(self) -> str:
        """The decision log as CSV text."""
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=LOG_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.log_rows())
        return out.getvalue()

    def member_of(self, token: str) -> ClassMember | None:
        """The member organization the student holding ``token`` speaks for."""
        student = self.student(token)
        if student is None or not student.member or self.watched is None:
            return None
        model = self.watched.model
        # A copy of the list: the worker may change it meanwhile (members join and leave).
        for agent in list(model.members):
            if agent.name == student.member:
                return agent
        with self.model_lock:  # a former member: read the agents while nothing changes them
            return next((a for a in model.agents
                         if isinstance(a, ClassMember) and a.name == student.member), None)


# --- the class beside the model ---------------------------------------------------------
COMPARED_FIELDS = ("outcome", "end_month", "value_total", "value_target", "members_final",
                   "exits_total", "conflicts_total", "conflicts_resolved",
                   "conflicts_escalated", "trust_mean_final", "commitment_mean_final",
                   "management_time_used", "management_cost_total")
COMPARED_RUNS = (("dedicated", "Dedicated manager (played by the model)"),
                 ("transversal", "Transversal skill (played by the model)"))


def beside_the_model(session: ClassSession) -> list[dict[str, Any]]:
    """The class's run beside the same seed and parameters played by the model with a
    dedicated manager and with transversal skill: one row of outcomes per run."""
    from alliancesim.model import AllianceModel

    played = session.model
    rows = [{"run": f"The class ({session.mode})", **_outcomes(played.outcome_record())}]
    settings = replace(session.settings, model_class=AllianceModel)
    for mode, label in COMPARED_RUNS:
        model = build_alliance(settings.with_mode(mode), settings).model
        # As far as the class has played (to the end when the class's alliance ended).
        while model.running and (not played.running or model.month < played.month):
            model.step()
        rows.append({"run": label, **_outcomes(model.outcome_record())})
    return rows


def _outcomes(record: dict[str, Any]) -> dict[str, Any]:
    return {name: record[name] for name in COMPARED_FIELDS}


def decision_counts(session: ClassSession) -> dict[str, dict[str, int]]:
    """How many decisions of each kind the class chose and left to the model."""
    counts = {kind: {CHOSEN: 0, DEFAULTED: 0} for kind in KINDS}
    for entry in session.log:
        counts[entry.decision][entry.how] += 1
    return counts

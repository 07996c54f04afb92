"""Class mode without a browser: joining, questions through the model's hooks, answers only
for one's own member, the decision log, and the class beside the model."""

from __future__ import annotations

import math
import threading

import pytest

from alliancesim.app.class_model import (
    CONFLICT,
    CONFLICT_MODES,
    STAGNATION,
    STAY,
    TIME,
    Ask,
    ClassAllianceModel,
)
from alliancesim.app.classroom import (
    CHOSEN,
    DEFAULTED,
    LOG_COLUMNS,
    ClassError,
    ClassSession,
    beside_the_model,
    clean_name,
    decision_counts,
)
from alliancesim.app.state import Settings
from alliancesim.model import AllianceModel
from alliancesim.params import defaults

WAIT = 120.0  # generous: the machine may be busy; tests wait for states, not for time


def session(students: int = 0, **kwargs) -> ClassSession:
    params = {**defaults(), "n_members": 8, "horizon": 60}
    made = ClassSession(Settings(params=params, seed=3), code="ABC234", **kwargs)
    for k in range(students):
        made.join("ABC234", f"Student {k + 1}")
    return made


def wait_for(made: ClassSession, condition) -> None:
    seen = -1
    for _ in range(int(WAIT * 10)):
        if condition():
            return
        seen = made.wait_for_change(seen, 0.1)
    raise AssertionError("the session never reached the state waited for")


def finite(record: dict) -> dict:
    return {k: v for k, v in record.items() if not (isinstance(v, float) and math.isnan(v))}


# --- joining ------------------------------------------------------------------------------
def test_joining_needs_the_code_and_a_plain_name():
    made = session()
    with pytest.raises(ClassError, match="code"):
        made.join("ZZZ999", "Ada")
    for bad in ("", "   ", "x" * 25, "<script>", "a;b"):
        with pytest.raises(ClassError):
            made.join("ABC234", bad)
    ada = made.join(" abc 234 ", "  Ada   Lovelace ")
    assert ada.name == "Ada Lovelace" and len(ada.token) >= 24
    with pytest.raises(ClassError, match="already"):
        made.join("ABC234", "ada lovelace")
    assert clean_name("José-María O'Neil") == "José-María O'Neil"


def test_a_class_is_full_at_its_limit_and_a_removed_device_loses_its_token():
    made = session(max_students=3)
    tokens = [made.join("ABC234", name).token for name in ("A", "B", "C")]
    with pytest.raises(ClassError, match="full"):
        made.join("ABC234", "D")
    removed = made.student(tokens[1])
    assert removed is not None
    made.remove(removed.id)
    assert made.student(tokens[1]) is None
    assert [s.name for s in made.roster()] == ["A", "C"]
    assert all(s.token == "" for s in made.roster())  # the roster never shows tokens
    made.join("ABC234", "B")  # the name is free again


def test_no_more_than_forty_students():
    with pytest.raises(ClassError):
        session(max_students=41)


# --- members and questions ----------------------------------------------------------------
def test_students_get_members_in_joining_order_as_members_join():
    made = session(students=5)
    made.start()
    founders = [m.name for m in made.model.members]
    assert [s.member for s in made.roster()][:2] == founders
    assert made.settings.params["n_members"] >= 8
    made.time_limit = 0.0  # nobody answers: every question closes on the model's choice
    made.advance(6)
    assert made.wait_idle(WAIT)
    held = [s.member for s in made.roster()]
    assert all(held) and len(set(held)) == 5


def test_a_class_that_never_answers_plays_the_models_own_run():
    made = session(students=4, time_limit=0.0)
    made.start()
    made.advance(60, conflicts=True)
    assert made.wait_idle(WAIT) and not made.problem
    assert made.log and {e.how for e in made.log} == {DEFAULTED}
    alone = AllianceModel(rng=3, **made.settings.params)
    while alone.running:
        alone.step()
    assert finite(made.model.outcome_record()) == finite(alone.outcome_record())


def answer_all(made: ClassSession, tokens: list[str], choose) -> list[tuple[str, str]]:
    """Answer the open question for every student asked; returns (member, option)."""
    done = []
    for token in tokens:
        pending = made.pending(token)
        if pending is not None and not pending.answered:
            option = choose(pending)
            made.answer(token, pending.question, option)
            done.append((made.student(token).member, option))
    return done


def test_every_student_answers_for_their_own_member_and_the_model_takes_it():
    made = session(students=6, time_limit=600.0)
    tokens = [s.token for s in made.students.values()]
    made.start()
    made.advance(6)  # to founding; the step that enters it asks for time shares
    wait_for(made, lambda: made.question is not None or not made.busy)
    made.wait_idle(0)
    if made.question is None:  # founding not reached: ask now
        made.ask_time_now()
        wait_for(made, lambda: made.question is not None)
    assert made.question.kind == TIME
    answered = answer_all(made, tokens, lambda p: "double")
    assert len(answered) == 6
    assert made.wait_idle(WAIT)
    chosen = [e for e in made.log if e.how == CHOSEN]
    assert {(e.member, e.choice) for e in chosen} == set(answered)
    shares = {m.name: m.time_share for m in made.model.members}
    assert all(shares[member] == "double" for member, _ in answered)


def test_a_student_can_act_only_for_their_own_member():
    made = session(students=3, time_limit=600.0)
    first, second, third = (s for s in made.students.values())
    made.start()
    made.model.desk = made
    # Ask only the first student's member, from another thread as the model does.
    asked = threading.Thread(target=made.ask, args=(
        STAGNATION, 1, [Ask(first.member, "discuss", "stalled")]), daemon=True)
    asked.start()
    wait_for(made, lambda: made.question is not None)
    question = made.question.id
    assert made.pending(second.token) is None
    with pytest.raises(ClassError, match="not asked"):
        made.answer(second.token, question, "discuss")
    with pytest.raises(ClassError, match="not in the class"):
        made.answer("guessed-token", question, "discuss")
    with pytest.raises(ClassError, match="Choose one of"):
        made.answer(first.token, question, "<b>bold</b>")
    with pytest.raises(ClassError, match="closed"):
        made.answer(first.token, question + 1, "discuss")
    made.remove(third.id)
    made.answer(first.token, question, "let it be")
    asked.join(WAIT)
    assert [(e.member, e.choice, e.how) for e in made.log] == [
        (first.member, "let it be", CHOSEN)]
    with pytest.raises(ClassError, match="closed"):
        made.answer(first.token, question, "discuss")


def test_the_teacher_closes_a_question_and_the_silent_get_the_models_choice():
    made = session(students=2, time_limit=600.0)
    made.start()
    a, b = (s for s in made.students.values())
    result = {}
    asks = [Ask(a.member, "stay", "re-evaluated"), Ask(b.member, "leave", "re-evaluated")]
    worker = threading.Thread(target=lambda: result.update(made.ask(STAY, 9, asks)))
    worker.start()
    wait_for(made, lambda: made.question is not None)
    made.answer(a.token, made.question.id, "leave")
    made.close_question()
    worker.join(WAIT)
    assert result == {a.member: "leave", b.member: "leave"}
    assert [(e.student, e.how, e.model_choice) for e in made.log] == [
        (a.name, CHOSEN, "stay"), (b.name, DEFAULTED, "leave")]


def test_conflicts_go_to_the_class_only_in_months_opened_to_them():
    made = session(students=8, time_limit=600.0)
    tokens = [s.token for s in made.students.values()]
    made.start()
    made.time_limit = 0.0
    made.advance(12)  # founded and working: conflicts happen
    assert made.wait_idle(WAIT)
    assert not [e for e in made.log if e.decision == CONFLICT]
    made.time_limit = 600.0
    stop = threading.Event()

    def answering() -> None:  # every student answers "collaborating" when asked
        seen = -1
        while not stop.is_set():
            answer_all(made, tokens, lambda p: "collaborating")
            seen = made.wait_for_change(seen, 0.1)

    helper = threading.Thread(target=answering, daemon=True)
    helper.start()
    made.advance(12, conflicts=True)
    assert made.wait_idle(WAIT)
    stop.set()
    helper.join(WAIT)
    conflicts = [e for e in made.log if e.decision == CONFLICT]
    assert conflicts and {e.choice for e in conflicts} == {"collaborating"}
    assert all(e.model_choice in CONFLICT_MODES for e in conflicts)
    events = [e for e in made.model.events if e.kind == "conflict" and e.month > 12]
    asked = {(e.month, e.member) for e in conflicts}
    assert any("collaborating" in e.modes for e in events)
    assert len(asked) <= 12 * 4  # at most two conflicts (four parties) a month


# --- records -------------------------------------------------------------------------------
def test_the_log_exports_as_csv_with_one_row_per_decision():
    made = session(students=3, time_limit=0.0)
    made.start()
    made.advance(20)
    assert made.wait_idle(WAIT)
    text = made.log_csv().splitlines()
    assert text[0] == ",".join(LOG_COLUMNS)
    assert len(text) == len(made.log) + 1 > 1
    counts = decision_counts(made)
    assert sum(c[DEFAULTED] for c in counts.values()) == len(made.log)


def test_the_class_run_beside_the_model_with_each_management_mode():
    made = session(students=2, time_limit=0.0)
    made.start()
    made.advance(60)
    assert made.wait_idle(WAIT)
    rows = beside_the_model(made)
    assert [r["run"].split(" (")[0] for r in rows] == [
        "The class", "Dedicated manager", "Transversal skill"]
    # Nobody answered, so the class played what transversal skill plays alone.
    assert finite(rows[0]) | {"run": ""} == finite(rows[2]) | {"run": ""}


def test_the_class_model_never_asked_is_the_model():
    for seed in (1, 2):
        plain = AllianceModel(rng=seed, management_mode="hybrid", n_members=10)
        played = ClassAllianceModel(rng=seed, management_mode="hybrid", n_members=10)
        for model in (plain, played):
            while model.running:
                model.step()
        assert finite(plain.outcome_record()) == finite(played.outcome_record())


def test_the_projector_network_draws_the_class_members():
    from alliancesim.app.views import network_option

    made = session(students=2, time_limit=0.0)
    made.start()
    made.advance(3)
    assert made.wait_idle(WAIT)
    option = network_option(made.model, made.watched.layout)
    names = {node["name"] for node in option["series"][0]["data"]}
    assert {m.name for m in made.model.members} <= names


class AlwaysDesk:
    """A desk that answers every question of a kind with one option."""

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    def ask(self, kind, month, asks):
        self.asked.append(kind)
        return {a.member: self.answers.get(kind, a.default) for a in asks}

    def asks_conflicts(self, month):
        return True


def test_answers_change_the_run_through_the_models_hooks():
    def run(desk) -> dict:
        model = ClassAllianceModel(rng=4, management_mode="transversal", n_members=8)
        model.desk = desk
        while model.running:
            model.step()
        return model.outcome_record()

    plain = run(AlwaysDesk({}))
    no_time = AlwaysDesk({TIME: "none"})
    assert run(no_time)["management_time_used"] != plain["management_time_used"]
    assert TIME in no_time.asked
    avoiding = AlwaysDesk({CONFLICT: "avoiding"})
    assert run(avoiding)["conflicts_latent"] != plain["conflicts_latent"]

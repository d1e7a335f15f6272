"""Where the couple is on the path of exercises, and where they go next."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from trust_renewal.content.model import Content, Exercise
from trust_renewal.conversation.state import State


def current_exercise(state: State, content: Content) -> Exercise | None:
    """The exercise the couple is on; None once every exercise is finished."""
    if state.exercise_id in content.exercises_by_id:
        return content.exercise(state.exercise_id)
    return next_unfinished(state, content, after=None)


def needs_two(exercise: Exercise) -> bool:
    """An exercise where partners speak in turns."""
    return any(p.turns for p in exercise.prompts)


# The safety screening (issue 25): said to both before their first exercise for two.
SCREENING = "acknowledge.safe-to-begin"


def fits(state: State, exercise: Exercise) -> bool:
    """Whether the exercise suits who is here.

    One person alone only does the exercises for one, and of those written for a
    role only their own (all of them if they hurt each other or were never asked).
    """
    if not state.solo:
        return True
    if exercise.audience != "one":
        return False
    if exercise.for_ in ("hurt", "caused"):
        return state.solo_role in (None, "both", exercise.for_)
    return True


def for_two(exercise: Exercise) -> bool:
    """An exercise where the partners talk to each other (not a reflection both only hear)."""
    return exercise.audience == "together" and exercise.kind != "guided_reflection"


def needs_screening(state: State, content: Content, exercise: Exercise) -> bool:
    """A couple about to begin their first exercise for two has not yet heard the screening."""
    return (
        not state.solo
        and for_two(exercise)
        and SCREENING in content.exercises_by_id
        and SCREENING not in state.finished
    )


def first_of_step(state: State, content: Content, exercise: Exercise) -> bool:
    """The first exercise of its step that suits who is here."""
    step = content.step_of(exercise.id)
    return next((e for e in step.path if fits(state, e)), None) is exercise


def next_unfinished(state: State, content: Content, after: str | None) -> Exercise | None:
    """The first unfinished exercise after ``after`` on the path that fits, wrapping to the start."""
    path = content.path
    start = content.path_index(after) + 1 if after in content.exercises_by_id else 0
    done = set(state.finished)
    for ex in (*path[start:], *path[:start]):
        if ex.id not in done and ex.id != after and fits(state, ex):
            return ex
    return None


def run_length(state: State, exercise: Exercise) -> int:
    return len(exercise.prompt_indexes(state.quick))


def prompt_index(state: State, exercise: Exercise) -> int:
    """The index into ``exercise.prompts`` of the prompt at the state's position."""
    order = exercise.prompt_indexes(state.quick)
    return order[min(state.prompt, len(order) - 1)]


def at_position(state: State, exercise: Exercise | None) -> State:
    """Point the state at the start of an exercise (not yet begun)."""
    return replace(
        state,
        exercise_id=exercise.id if exercise else None,
        prompt=0,
        turn=0,
        started=False,
        quick=False,
    )


def todays_exercise(state: State, content: Content, today: str) -> tuple[State, Exercise | None]:
    """Today's exercise: fixed for the local day once chosen, moving on only once finished."""
    fixed = content.exercises_by_id.get(state.today_exercise or "")
    if state.today_date == today and fixed is not None and fits(state, fixed):
        return state, fixed
    exercise = current_exercise(state, content)
    second = exercise is not None and state.second_due == exercise.id  # its second time is due
    if exercise is not None and not second and (exercise.id in state.finished or not fits(state, exercise)):
        exercise = next_unfinished(state, content, after=exercise.id)
    if exercise is None:
        return state, None
    if not second:
        exercise = for_the_couple(state, content, exercise)
    if state.exercise_id != exercise.id:
        state = at_position(state, exercise)
    return replace(state, today_date=today, today_exercise=exercise.id), exercise


def for_the_couple(state: State, content: Content, exercise: Exercise) -> Exercise:
    """A couple's exercise of the day is one for both: a reflection for one partner on the
    way is passed over, to be offered after it as an extra (``passed_over``)."""
    if state.solo or exercise.audience != "one":
        return exercise
    done = set(state.finished)
    start = content.path_index(exercise.id)
    return next((e for e in content.path[start:] if e.id not in done and e.audience != "one"), exercise)


def passed_over(state: State, content: Content, exercise: Exercise) -> Exercise | None:
    """The first unfinished reflection for one partner just before ``exercise`` on the path."""
    if state.solo or exercise.audience == "one":
        return None
    done = set(state.finished)
    before: list[Exercise] = []
    for e in reversed(content.path[: content.path_index(exercise.id)]):
        if e.audience != "one":
            break
        if e.id not in done:
            before.insert(0, e)
    return before[0] if before else None


def mark_practiced(state: State, today: str) -> State:
    """Count a day practised; days in a row are counted gently and never scolded."""
    if state.last_practiced == today:
        return state
    in_row = 1
    try:
        if state.last_practiced and date.fromisoformat(state.last_practiced) == (
            date.fromisoformat(today) - timedelta(days=1)
        ):
            in_row = state.days_in_row + 1
    except ValueError:
        in_row = 1
    return replace(state, days_practiced=state.days_practiced + 1, days_in_row=in_row, last_practiced=today)


def current_streak(state: State, today: str) -> int:
    """Days in a row as of today: the kept streak while it is alive (practised today or
    yesterday), none once a day has passed without practice."""
    gap = days_since(state, today)
    return state.days_in_row if gap is not None and 0 <= gap <= 1 else 0


def days_since(state: State, today: str) -> int | None:
    if not state.last_practiced:
        return None
    try:
        return (date.fromisoformat(today) - date.fromisoformat(state.last_practiced)).days
    except ValueError:
        return None

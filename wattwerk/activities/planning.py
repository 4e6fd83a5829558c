"""Activity chains planned on working days (issue 6, ACT2): the pure core, without a database.

A chain is a DAG of steps, each lasting a number of working days and starting after all its
predecessors are due (finish to start). Working days come from ``wattwerk.energy.calendars``.

- Moments are timezone-aware; they are planned and returned in Europe/Berlin. Working time is
  ``DAY_START`` to ``DAY_END`` on working days.
- A step of n ≥ 1 working days occupies n consecutive working days, from DAY_START of the first
  to DAY_END of the last. A step of 0 days is a milestone: start == due.
- Forward: a step is ready at the start moment (no predecessors) or when its last predecessor is
  due. If that moment lies within working time it starts then and counts the day as its first
  (a moment before DAY_START means DAY_START); at or after DAY_END, or on a non-working day, it
  starts at DAY_START of the next working day. So a successor normally starts on the working day
  after its predecessors' last day. A milestone lies at its ready moment, moved the same way
  except that DAY_END itself is allowed.
- Backward, the mirror image: a step without successors is due at the deadline and counts its
  day as the last if the deadline lies after DAY_START of a working day (capped at DAY_END);
  otherwise at DAY_END of the previous working day. A predecessor is due by the earliest start of
  its successors under the same rule, normally DAY_END of the working day before. A milestone
  lies where its successors start (DAY_START itself is allowed).
- Forward planning counts whole days; re-planning against a deadline within working hours caps
  a step whose last day is the deadline's day at the deadline (as backward planning does), so a
  chain on schedule is not reported late.
- Re-planning: a finished step uses up its finish day (its successors start the next working
  day); every open step is planned forward from ``now`` or later. A step ticked as done before
  its predecessors is taken as done; its successors follow it.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from wattwerk.energy.calendars import add_working_days, default_calendar, is_working_day

BERLIN = ZoneInfo("Europe/Berlin")
DAY_START = time(8, 0)
DAY_END = time(17, 0)


@dataclass(frozen=True)
class Step:
    """One step of a chain: ``working_days`` long (0: a milestone), after its predecessors."""

    key: str
    working_days: int
    predecessors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Planned:
    """When a step is planned: it starts at ``start`` and is due at ``due`` (Europe/Berlin)."""

    key: str
    start: datetime
    due: datetime


@dataclass(frozen=True)
class Replanned:
    """The open steps planned anew; ``finish`` is when the whole chain is done (the last due or
    finish moment), ``late`` whether that is after the deadline."""

    steps: dict[str, Planned]
    finish: datetime
    late: bool


def plan_forward(
    steps: Sequence[Step], start: datetime, calendar: str | None = None
) -> dict[str, Planned]:
    """Every step as early as possible from ``start``, keyed like ``steps`` and in their order."""
    return _forward(
        steps,
        start=_in_berlin(start, "Start"),
        finished={},
        calendar=calendar or default_calendar(),
    )


def plan_backward(
    steps: Sequence[Step], deadline: datetime, calendar: str | None = None
) -> dict[str, Planned]:
    """Every step as late as possible, all due by ``deadline``."""
    calendar = calendar or default_calendar()
    deadline = _in_berlin(deadline, "Frist")
    ordered = _ordered(steps)
    successors: dict[str, list[str]] = {step.key: [] for step in ordered}
    for step in ordered:
        for key in step.predecessors:
            successors[key].append(step.key)
    planned: dict[str, Planned] = {}
    for step in reversed(ordered):
        limit = min((planned[key].start for key in successors[step.key]), default=deadline)
        if step.working_days == 0:
            due = _last_moment(limit, calendar, milestone=True)
            planned[step.key] = Planned(step.key, due, due)
        else:
            due = _last_moment(limit, calendar, milestone=False)
            first = add_working_days(due.date(), 1 - step.working_days, calendar)
            planned[step.key] = Planned(step.key, _at(first, DAY_START), due)
    return {step.key: planned[step.key] for step in steps}


def replan(
    steps: Sequence[Step],
    done: Mapping[str, datetime],
    now: datetime,
    deadline: datetime | None = None,
    calendar: str | None = None,
    fixed: Mapping[str, Planned] | None = None,
) -> Replanned:
    """Plan the open steps forward from ``now``, given when the ``done`` steps finished.
    ``fixed`` steps keep their dates (steps under way, or moved by hand): their successors
    follow their due, at the earliest from ``now`` (an overdue step is not done yet)."""
    calendar = calendar or default_calendar()
    now = _in_berlin(now, "Jetzt")
    keys = {step.key for step in steps}
    finished: dict[str, datetime] = {}
    for key, moment in done.items():
        if key not in keys:
            raise ValueError(f"Erledigter Schritt „{key}“ unbekannt.")
        finished[key] = _in_berlin(moment, f"Schritt „{key}“: erledigt")
    kept = {
        key: Planned(key, _in_berlin(step.start, key), _in_berlin(step.due, key))
        for key, step in (fixed or {}).items()
        if key not in finished
    }
    planned = _forward(steps, start=now, finished=finished, calendar=calendar, fixed=kept)
    if deadline is not None:
        deadline = _in_berlin(deadline, "Frist")
        planned = {key: _within_deadline(step, deadline) for key, step in planned.items()}
    finish = max([*finished.values(), *(step.due for step in planned.values())], default=now)
    late = deadline is not None and finish > deadline
    return Replanned(steps=planned, finish=finish, late=late)


def _within_deadline(step: Planned, deadline: datetime) -> Planned:
    """A step whose last day is the deadline's day is due at the deadline, as in backward
    planning (the deadline's day counts when work can begin before it); not late, then."""
    if step.due.date() == deadline.date() and step.start < deadline < step.due:
        return Planned(step.key, step.start, deadline)
    return step


def _forward(
    steps: Sequence[Step],
    *,
    start: datetime,
    finished: dict[str, datetime],
    calendar: str,
    fixed: Mapping[str, Planned] | None = None,
) -> dict[str, Planned]:
    # A finished step uses up its day: successors start on the next working day.
    ends = {key: max(moment, _at(moment.date(), DAY_END)) for key, moment in finished.items()}
    planned: dict[str, Planned] = {}
    for step in _ordered(steps):
        if step.key in finished:
            continue
        if fixed and step.key in fixed:
            planned[step.key] = fixed[step.key]
            ends[step.key] = max(fixed[step.key].due, start)  # overdue: not over before now
            continue
        ready = max([start, *(ends[key] for key in step.predecessors)])
        if step.working_days == 0:
            begin = due = _first_moment(ready, calendar, milestone=True)
        else:
            begin = _first_moment(ready, calendar, milestone=False)
            due = _at(add_working_days(begin.date(), step.working_days - 1, calendar), DAY_END)
        planned[step.key] = Planned(step.key, begin, due)
        ends[step.key] = due
    return {step.key: planned[step.key] for step in steps if step.key in planned}


def _first_moment(moment: datetime, calendar: str, *, milestone: bool) -> datetime:
    """The first moment of working time at or after ``moment``; DAY_END itself only for a
    milestone, since work cannot begin when the day is over."""
    day = moment.date()
    within = moment.time() <= DAY_END if milestone else moment.time() < DAY_END
    if within and is_working_day(day, calendar):
        return max(moment, _at(day, DAY_START))
    return _at(add_working_days(day, 1, calendar), DAY_START)


def _last_moment(moment: datetime, calendar: str, *, milestone: bool) -> datetime:
    """The last moment of working time at or before ``moment``; DAY_START itself only for a
    milestone, since work cannot end before the day has begun."""
    day = moment.date()
    within = moment.time() >= DAY_START if milestone else moment.time() > DAY_START
    if within and is_working_day(day, calendar):
        return min(moment, _at(day, DAY_END))
    return _at(add_working_days(day, -1, calendar), DAY_END)


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=BERLIN)


def _in_berlin(moment: datetime, label: str) -> datetime:
    if moment.utcoffset() is None:
        raise ValueError(f"{label} {moment:%d.%m.%Y %H:%M} ohne Zeitzone.")
    return moment.astimezone(BERLIN)


def _ordered(steps: Sequence[Step]) -> list[Step]:
    """The steps, each after its predecessors; refuses duplicates, negative durations, unknown
    predecessors and cycles, naming the step."""
    keys: set[str] = set()
    for step in steps:
        if step.key in keys:
            raise ValueError(f"Schritt „{step.key}“ kommt doppelt vor.")
        if step.working_days < 0:
            raise ValueError(
                f"Schritt „{step.key}“: Dauer {step.working_days} Werktage, mindestens 0."
            )
        keys.add(step.key)
    for step in steps:
        for key in step.predecessors:
            if key not in keys:
                raise ValueError(f"Schritt „{step.key}“: Vorgänger „{key}“ unbekannt.")
    ordered: list[Step] = []
    placed: set[str] = set()
    pending = list(steps)
    while pending:
        ready = [step for step in pending if placed.issuperset(step.predecessors)]
        if not ready:
            raise ValueError(_cycle_message(pending))
        ordered += ready
        placed.update(step.key for step in ready)
        pending = [step for step in pending if step.key not in placed]
    return ordered


def _cycle_message(pending: list[Step]) -> str:
    # Each pending step waits for another pending one: walking back must repeat a step.
    by_key = {step.key: step for step in pending}
    path = [pending[0].key]
    while True:
        key = next(key for key in by_key[path[-1]].predecessors if key in by_key)
        if key in path:
            cycle = [*path[path.index(key) :], key][::-1]
            return f"Schritt „{key}“: Zyklus " + " → ".join(f"„{k}“" for k in cycle) + "."
        path.append(key)

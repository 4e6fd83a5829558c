"""Planning activity chains on BDEW working days: hand-computed dates, errors, properties.

The dates were checked against ``wattwerk.energy.calendars`` for the BDEW calendar: Christmas
2026 blocks Thu 24 to Sun 27 Dec, New Year Thu 31 Dec to Sun 3 Jan, Easter 2027 Fri 26 to
Mon 29 Mar (summer time from Sun 28 Mar), and Fri 1 May 2026 is a holiday.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wattwerk.activities.planning import (
    BERLIN,
    DAY_END,
    DAY_START,
    Planned,
    Step,
    plan_backward,
    plan_forward,
    replan,
)
from wattwerk.energy.calendars import BDEW, is_working_day, working_days_between


def at(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def spans(plan):
    return {key: (planned.start, planned.due) for key, planned in plan.items()}


CHAIN = [
    Step("A", 2),
    Step("B", 3, ("A",)),
    Step("C", 1, ("B",)),
    Step("D", 1, ("C",)),
]
# The tender: the requirement first, then pricing and the credit check side by side, then the offer.
TENDER = [
    Step("Bedarf", 1),
    Step("Preiskalkulation", 3, ("Bedarf",)),
    Step("Bonitätsprüfung", 1, ("Bedarf",)),
    Step("Angebot", 1, ("Preiskalkulation", "Bonitätsprüfung")),
]


# Backward


def test_a_chain_is_planned_back_from_a_deadline_within_the_working_day():
    plan = plan_backward(CHAIN, at(2026, 12, 18, 12), BDEW)

    assert spans(plan) == {
        "D": (at(2026, 12, 18, 8), at(2026, 12, 18, 12)),  # Friday, due at the deadline itself
        "C": (at(2026, 12, 17, 8), at(2026, 12, 17, 17)),
        "B": (at(2026, 12, 14, 8), at(2026, 12, 16, 17)),  # Mon–Wed
        "A": (at(2026, 12, 10, 8), at(2026, 12, 11, 17)),  # Thu–Fri, over the weekend
    }
    assert plan["A"] == Planned("A", at(2026, 12, 10, 8), at(2026, 12, 11, 17))


def test_backward_over_christmas_and_new_year():
    plan = plan_backward(CHAIN, at(2027, 1, 5, 12), BDEW)

    assert spans(plan) == {
        "D": (at(2027, 1, 5, 8), at(2027, 1, 5, 12)),  # Tuesday
        "C": (at(2027, 1, 4, 8), at(2027, 1, 4, 17)),  # Monday
        # Not Thu 31 Dec (BDEW), Fri 1 Jan, the weekend of 2 and 3 Jan.
        "B": (at(2026, 12, 28, 8), at(2026, 12, 30, 17)),
        # Not Thu 24 Dec (BDEW), Fri 25 Dec, the weekend of 26 and 27 Dec.
        "A": (at(2026, 12, 22, 8), at(2026, 12, 23, 17)),
    }


@pytest.mark.parametrize(
    ("deadline", "due"),
    [
        (at(2026, 12, 19, 10), at(2026, 12, 18, 17)),  # Saturday: Friday's end
        (at(2026, 12, 18, 7), at(2026, 12, 17, 17)),  # before the day begins: Thursday's end
        (at(2026, 12, 18, 8), at(2026, 12, 17, 17)),  # at DAY_START no work is done yet
        (at(2026, 12, 18, 20), at(2026, 12, 18, 17)),  # evening: the day's end
        (at(2026, 12, 25, 12), at(2026, 12, 23, 17)),  # Christmas Day: back over 24 Dec
    ],
)
def test_a_deadline_outside_working_time_moves_back_to_the_last_working_day(deadline, due):
    plan = plan_backward([Step("A", 1)], deadline, BDEW)

    assert plan["A"] == Planned("A", due.replace(hour=8), due)


def test_a_predecessor_is_due_before_the_earliest_of_its_successors():
    steps = [Step("X", 1), Step("Y", 2, ("X",)), Step("Z", 1, ("X",))]

    plan = plan_backward(steps, at(2026, 12, 18, 17), BDEW)

    assert spans(plan) == {
        "X": (at(2026, 12, 16, 8), at(2026, 12, 16, 17)),  # before Y, not just before Z
        "Y": (at(2026, 12, 17, 8), at(2026, 12, 18, 17)),
        "Z": (at(2026, 12, 18, 8), at(2026, 12, 18, 17)),
    }


def test_parallel_branches_backward():
    plan = plan_backward(TENDER, at(2026, 12, 18, 17), BDEW)

    assert spans(plan) == {
        "Bedarf": (at(2026, 12, 14, 8), at(2026, 12, 14, 17)),
        "Preiskalkulation": (at(2026, 12, 15, 8), at(2026, 12, 17, 17)),
        "Bonitätsprüfung": (at(2026, 12, 17, 8), at(2026, 12, 17, 17)),  # as late as it can
        "Angebot": (at(2026, 12, 18, 8), at(2026, 12, 18, 17)),
    }


def test_milestones_backward_lie_where_their_successors_start():
    steps = [Step("A", 1), Step("Freigabe", 0, ("A",)), Step("B", 1, ("Freigabe",))]

    plan = plan_backward(steps, at(2026, 12, 18, 17), BDEW)

    assert spans(plan) == {
        "A": (at(2026, 12, 17, 8), at(2026, 12, 17, 17)),
        "Freigabe": (at(2026, 12, 18, 8), at(2026, 12, 18, 8)),
        "B": (at(2026, 12, 18, 8), at(2026, 12, 18, 17)),
    }
    # A milestone at the end is at the deadline; one at a Saturday deadline at Friday's end.
    assert plan_backward([Step("M", 0)], at(2026, 12, 18, 12), BDEW)["M"].due == at(
        2026, 12, 18, 12
    )
    assert plan_backward([Step("M", 0)], at(2026, 12, 19, 10), BDEW)["M"].due == at(
        2026, 12, 18, 17
    )


# Forward


def test_forward_over_easter_and_the_change_to_summer_time():
    steps = [Step("A", 2), Step("B", 3, ("A",))]

    plan = plan_forward(steps, at(2027, 3, 24, 14), BDEW)

    assert spans(plan) == {
        # Starts at the start moment; Wednesday counts as its first day.
        "A": (at(2027, 3, 24, 14), at(2027, 3, 25, 17)),
        # Good Friday, the weekend and Easter Monday lie in between.
        "B": (at(2027, 3, 30, 8), at(2027, 4, 1, 17)),
    }
    assert plan["B"].start.utcoffset() == timedelta(hours=2)


def test_forward_over_a_weekday_holiday():
    plan = plan_forward([Step("A", 2)], at(2026, 4, 30, 9), BDEW)

    # Thursday, then Friday 1 May and the weekend are skipped.
    assert plan["A"] == Planned("A", at(2026, 4, 30, 9), at(2026, 5, 4, 17))


@pytest.mark.parametrize(
    ("start", "first"),
    [
        (at(2026, 12, 18, 18, 30), at(2026, 12, 21, 8)),  # Friday evening: Monday
        (at(2026, 12, 18, 17), at(2026, 12, 21, 8)),  # at DAY_END the day is over
        (at(2026, 12, 21, 6), at(2026, 12, 21, 8)),  # before the day begins: its start
        (at(2026, 12, 19, 10), at(2026, 12, 21, 8)),  # Saturday
        (at(2026, 12, 23, 17, 30), at(2026, 12, 28, 8)),  # past Christmas
    ],
)
def test_a_start_outside_working_time_moves_to_the_next_working_day(start, first):
    plan = plan_forward([Step("A", 1)], start, BDEW)

    assert plan["A"] == Planned("A", first, first.replace(hour=17))


def test_parallel_branches_join_forward():
    plan = plan_forward(TENDER, at(2026, 12, 7, 8), BDEW)

    assert spans(plan) == {
        "Bedarf": (at(2026, 12, 7, 8), at(2026, 12, 7, 17)),
        "Preiskalkulation": (at(2026, 12, 8, 8), at(2026, 12, 10, 17)),
        "Bonitätsprüfung": (at(2026, 12, 8, 8), at(2026, 12, 8, 17)),
        # Waits for the longer branch.
        "Angebot": (at(2026, 12, 11, 8), at(2026, 12, 11, 17)),
    }
    assert list(plan) == [step.key for step in TENDER]


def test_milestones_forward_lie_where_their_predecessors_are_done():
    steps = [
        Step("Auftrag", 0),
        Step("A", 1, ("Auftrag",)),
        Step("Freigabe", 0, ("A",)),
        Step("B", 1, ("Freigabe",)),
    ]

    plan = plan_forward(steps, at(2026, 12, 7, 10), BDEW)

    assert spans(plan) == {
        "Auftrag": (at(2026, 12, 7, 10), at(2026, 12, 7, 10)),
        "A": (at(2026, 12, 7, 10), at(2026, 12, 7, 17)),  # a milestone does not cost a day
        "Freigabe": (at(2026, 12, 7, 17), at(2026, 12, 7, 17)),
        "B": (at(2026, 12, 8, 8), at(2026, 12, 8, 17)),
    }


def test_forward_planning_counts_whole_days():
    # Backward, D ends at a deadline within the day; forward from A's start, D takes all of it.
    backward = plan_backward(CHAIN, at(2026, 12, 18, 12), BDEW)

    forward = plan_forward(CHAIN, backward["A"].start, BDEW)

    assert spans(forward) == {
        "A": (at(2026, 12, 10, 8), at(2026, 12, 11, 17)),
        "B": (at(2026, 12, 14, 8), at(2026, 12, 16, 17)),
        "C": (at(2026, 12, 17, 8), at(2026, 12, 17, 17)),
        "D": (at(2026, 12, 18, 8), at(2026, 12, 18, 17)),
    }


def test_moments_in_other_zones_are_planned_in_berlin():
    plan = plan_forward([Step("A", 1)], datetime(2026, 12, 7, 7, tzinfo=UTC), BDEW)

    assert plan["A"].start == at(2026, 12, 7, 8)
    assert plan["A"].start.tzinfo is BERLIN


def test_the_calendar_defaults_to_the_setting(settings):
    start = at(2027, 1, 6, 8)  # Heilige Drei Könige: a holiday in BW, BY, ST, not in NI

    assert plan_forward([Step("A", 1)], start)["A"].start == at(2027, 1, 7, 8)
    settings.WATTWERK_WORKING_DAYS = "NI"
    assert plan_forward([Step("A", 1)], start)["A"].start == at(2027, 1, 6, 8)


# Re-planning (deadline Friday 18 December, end of the day; planned forward from Thursday
# 10 December, A would be due Friday 11 and D Friday 18 December)

DEADLINE = at(2026, 12, 18, 17)


def test_finishing_the_first_step_two_working_days_late_makes_the_chain_late():
    result = replan(
        CHAIN, {"A": at(2026, 12, 15, 16, 30)}, at(2026, 12, 15, 16, 30), DEADLINE, BDEW
    )

    assert spans(result.steps) == {
        "B": (at(2026, 12, 16, 8), at(2026, 12, 18, 17)),
        "C": (at(2026, 12, 21, 8), at(2026, 12, 21, 17)),
        "D": (at(2026, 12, 22, 8), at(2026, 12, 22, 17)),
    }
    assert result.finish == at(2026, 12, 22, 17)
    assert result.late


def test_finishing_early_plans_the_rest_forward_from_the_finish():
    result = replan(CHAIN, {"A": at(2026, 12, 9, 15)}, at(2026, 12, 9, 15), DEADLINE, BDEW)

    assert spans(result.steps) == {
        "B": (at(2026, 12, 10, 8), at(2026, 12, 14, 17)),  # Thu, Fri, Mon
        "C": (at(2026, 12, 15, 8), at(2026, 12, 15, 17)),
        "D": (at(2026, 12, 16, 8), at(2026, 12, 16, 17)),
    }
    assert result.finish == at(2026, 12, 16, 17)
    assert not result.late


def test_open_steps_start_no_earlier_than_now():
    # A was finished on Wednesday, nothing happened until Monday 10:00.
    result = replan(CHAIN, {"A": at(2026, 12, 9, 15)}, at(2026, 12, 14, 10), DEADLINE, BDEW)

    assert spans(result.steps) == {
        "B": (at(2026, 12, 14, 10), at(2026, 12, 16, 17)),
        "C": (at(2026, 12, 17, 8), at(2026, 12, 17, 17)),
        "D": (at(2026, 12, 18, 8), at(2026, 12, 18, 17)),
    }
    assert result.finish == DEADLINE
    assert not result.late  # done exactly at the deadline is in time


def test_a_step_finished_on_a_weekend_frees_its_successors_on_the_next_working_day():
    result = replan(CHAIN, {"A": at(2026, 12, 12, 11)}, at(2026, 12, 12, 11), None, BDEW)

    assert result.steps["B"].start == at(2026, 12, 14, 8)
    assert not result.late


def test_replanning_with_nothing_done_is_planning_forward_from_now():
    now, deadline = at(2026, 12, 10, 8), at(2026, 12, 18, 12)

    result = replan(CHAIN, {}, now, deadline, BDEW)
    forward = plan_forward(CHAIN, now, BDEW)

    assert {key: step for key, step in result.steps.items() if key != "D"} == {
        key: step for key, step in forward.items() if key != "D"
    }
    # D's last day is the deadline's day: due at the deadline, as planned backward; not late
    assert result.steps["D"] == Planned("D", at(2026, 12, 18, 8), deadline)
    assert (result.finish, result.late) == (deadline, False)
    one_day_later = replan(CHAIN, {}, at(2026, 12, 11, 8), deadline, BDEW)
    assert one_day_later.late
    assert one_day_later.finish == at(2026, 12, 21, 17)


def test_a_finished_chain_finishes_with_its_last_step():
    done = {"A": at(2026, 12, 11, 9), "B": at(2026, 12, 15, 9), "C": at(2026, 12, 16, 9)}
    done["D"] = at(2026, 12, 21, 9)

    result = replan(CHAIN, done, at(2026, 12, 22, 8), DEADLINE, BDEW)

    assert result.steps == {}
    assert result.finish == at(2026, 12, 21, 9)
    assert result.late


# Errors


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        (
            [Step("Preiskalkulation", 1, ("X",))],
            "Schritt „Preiskalkulation“: Vorgänger „X“ unbekannt.",
        ),
        (
            [Step("A", 1, ("C",)), Step("B", 1, ("A",)), Step("C", 1, ("B",))],
            "Schritt „A“: Zyklus „A“ → „B“ → „C“ → „A“.",
        ),
        (
            [Step("Start", 1), Step("A", 1, ("Start", "B")), Step("B", 1, ("A",))],
            "Schritt „A“: Zyklus „A“ → „B“ → „A“.",
        ),
        ([Step("A", 1, ("A",))], "Schritt „A“: Zyklus „A“ → „A“."),
        ([Step("A", -1)], "Schritt „A“: Dauer -1 Werktage, mindestens 0."),
        ([Step("A", 1), Step("A", 2)], "Schritt „A“ kommt doppelt vor."),
    ],
)
def test_bad_chains_are_refused_naming_the_step(steps, message):
    for plan in (plan_forward, plan_backward):
        with pytest.raises(ValueError, match=re.escape(message)):
            plan(steps, at(2026, 12, 18, 12), BDEW)
    with pytest.raises(ValueError, match=re.escape(message)):
        replan(steps, {}, at(2026, 12, 18, 12), None, BDEW)


def test_naive_moments_are_refused():
    naive = datetime(2026, 12, 18, 12)

    with pytest.raises(ValueError, match=re.escape("Start 18.12.2026 12:00 ohne Zeitzone")):
        plan_forward(CHAIN, naive, BDEW)
    with pytest.raises(ValueError, match=re.escape("Frist 18.12.2026 12:00 ohne Zeitzone")):
        plan_backward(CHAIN, naive, BDEW)
    with pytest.raises(ValueError, match=re.escape("Jetzt 18.12.2026 12:00 ohne Zeitzone")):
        replan(CHAIN, {}, naive, None, BDEW)
    with pytest.raises(ValueError, match=re.escape("Frist 18.12.2026 12:00 ohne Zeitzone")):
        replan(CHAIN, {}, at(2026, 12, 10, 8), naive, BDEW)
    with pytest.raises(
        ValueError, match=re.escape("Schritt „A“: erledigt 18.12.2026 12:00 ohne Zeitzone")
    ):
        replan(CHAIN, {"A": naive}, at(2026, 12, 18, 12), None, BDEW)


def test_unknown_done_steps_are_refused():
    with pytest.raises(ValueError, match=re.escape("Erledigter Schritt „X“ unbekannt.")):
        replan(CHAIN, {"X": at(2026, 12, 9, 15)}, at(2026, 12, 9, 15), None, BDEW)


# Properties


@st.composite
def chains(draw):
    """Up to eight steps of 0–5 days, each after some of those drawn before it (so no cycle),
    handed over in any order."""
    count = draw(st.integers(1, 8))
    steps = []
    for index in range(count):
        earlier = [f"S{i}" for i in range(index)]
        predecessors = draw(st.lists(st.sampled_from(earlier), unique=True)) if earlier else []
        steps.append(Step(f"S{index}", draw(st.integers(0, 5)), tuple(predecessors)))
    return draw(st.permutations(steps))


moments = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2030, 12, 31),
    timezones=st.just(BERLIN),
    allow_imaginary=False,
)


def assert_is_a_plan(steps, plan):
    """Every step spans its working days in working time, after its predecessors are due."""
    for step in steps:
        planned = plan[step.key]
        assert is_working_day(planned.start.date(), BDEW)
        assert DAY_START <= planned.start.time() <= DAY_END
        if step.working_days:
            assert planned.due.time() <= DAY_END
            next_day = planned.due.date() + timedelta(days=1)
            assert working_days_between(planned.start.date(), next_day, BDEW) == step.working_days
        else:
            assert planned.start == planned.due
        for key in step.predecessors:
            assert planned.start >= plan[key].due


@given(chains(), moments)
def test_backward_plans_meet_the_deadline_and_forward_plans_from_their_start_too(steps, deadline):
    backward = plan_backward(steps, deadline, BDEW)

    assert_is_a_plan(steps, backward)
    assert all(planned.due <= deadline for planned in backward.values())

    forward = plan_forward(steps, min(planned.start for planned in backward.values()), BDEW)

    assert_is_a_plan(steps, forward)
    # Forward planning counts whole days: a deadline within working hours is met by day's end.
    met_by = deadline
    if is_working_day(deadline.date(), BDEW) and DAY_START < deadline.time() < DAY_END:
        met_by = datetime.combine(deadline.date(), DAY_END, tzinfo=BERLIN)
    assert all(planned.due <= met_by for planned in forward.values())


@given(chains(), moments)
def test_forward_plans_start_no_earlier_than_the_start(steps, start):
    plan = plan_forward(steps, start, BDEW)

    assert_is_a_plan(steps, plan)
    assert all(planned.start >= start for planned in plan.values())
    assert all(
        planned.start.time() in (DAY_START, DAY_END) or planned.start == start
        for planned in plan.values()
    )

"""The named states: every task state is handled by the planner, exactly once."""

from __future__ import annotations

from nbkit import plan
from nbkit.states import DONE_STATES, TODO_STATES, TableStatus, TaskState


def test_every_task_state_is_done_to_do_or_empty_by_design():
    assert DONE_STATES | TODO_STATES | {TaskState.BOOTSTRAP} == set(TaskState)
    assert not DONE_STATES & TODO_STATES


def test_the_planner_has_an_include_option_for_every_state_it_reruns():
    assert set(plan._STATE_INCLUDE) == TODO_STATES
    assert set(plan._STATE_INCLUDE.values()) <= set(plan.INCLUDE_CHOICES)
    assert set(plan._DONE_STATES) == DONE_STATES


def test_states_equal_their_production_text():
    assert TaskState.DONE_NO_HISTORY == "done_no_history"
    assert TableStatus.EXPECTED_EMPTY == "expected-empty"
    assert {TaskState.MISSING: 1}["missing"] == 1  # frames and dicts keyed by text still match

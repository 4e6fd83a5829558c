"""Periodic work on the task interface: what runs how often.

Apps register periodic tasks in their ``tasks.py``; ``wattwerk run_scheduler`` enqueues each when
it is due. Correctness never depends on the scheduler having run (states that follow from time are
derived when read); it only catches up, notifies and persists. Every periodic task is idempotent,
so a second scheduler or a restart does no harm.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.tasks import Task


@dataclass(frozen=True)
class Periodic:
    task: Task
    every: timedelta


entries: list[Periodic] = []


def register(task: Task, *, every: timedelta) -> Task:
    if all(entry.task.name != task.name for entry in entries):
        entries.append(Periodic(task=task, every=every))
    return task


def due(last_run: dict[str, datetime], now: datetime) -> list[Periodic]:
    """The entries never run, or last run at least their interval ago."""
    return [
        entry
        for entry in entries
        if entry.task.name not in last_run or now - last_run[entry.task.name] >= entry.every
    ]

"""A task that does nothing, so the benchmark measures the queue and the worker alone."""

from django.tasks import task


@task()
def noop(number: int) -> int:
    return number

from django.apps import AppConfig


class SampleConfig(AppConfig):
    """A record type that exists only in the tests: the generic machinery on an owned record."""

    name = "wattwerk.core.tests.sample"
    label = "sample"

    def ready(self) -> None:
        from . import records  # noqa: F401

"""Model fields the apps build theirs on."""

from django.db import models


class FixedLengthCharField(models.CharField):
    """A CharField whose ``max_length`` follows from what it holds (``length``), so a
    declaration needs none and migrations do not repeat it."""

    length = 0

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", self.length)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == self.length:
            del kwargs["max_length"]
        return name, path, args, kwargs

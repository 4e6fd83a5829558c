from django.db import models
from django.utils.translation import gettext_lazy as _

from wattwerk.core.models import OwnedModel, RecordModel


class Note(OwnedModel, RecordModel):
    """A memo with an amount: just enough fields to exercise the generic views and API."""

    title = models.CharField(_("Titel"), max_length=100)
    amount = models.DecimalField(_("Betrag"), max_digits=12, decimal_places=2, default=0)
    due_date = models.DateField(_("fällig am"), null=True, blank=True)
    rating = models.CharField(_("Bonitätsnote"), max_length=20, blank=True)

    secured_fields = ("rating",)

    class Meta(OwnedModel.Meta):
        verbose_name = _("Notiz")
        verbose_name_plural = _("Notizen")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

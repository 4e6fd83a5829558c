"""Activities: tasks, phone calls, e-mails, appointments and letters, each regarding a record of
any registered type (lead, opportunity, account, contact, …) without this app importing it.

A record type that shows its last completed and next open activity mixes in
:class:`ActivityLinks`; the operations keep both links right in the same transaction as every
create, complete, cancel, reschedule or delete (:mod:`wattwerk.activities.operations`).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wattwerk.core.models import OwnedModel, RecordModel


class Regarding(GenericForeignKey):
    """The record an activity is about, of any registered type."""

    verbose_name = _("Bezug")


class Activity(OwnedModel, RecordModel):
    """An Aktivität: what someone did or is to do, when, about which record."""

    class Kind(models.TextChoices):
        TASK = "task", _("Aufgabe")
        CALL = "call", _("Telefonat")
        EMAIL = "email", _("E-Mail")
        APPOINTMENT = "appointment", _("Termin")
        LETTER = "letter", _("Brief")

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        COMPLETED = "completed", _("erledigt")
        CANCELLED = "cancelled", _("abgebrochen")

    class Priority(models.TextChoices):
        LOW = "low", _("niedrig")
        NORMAL = "normal", _("normal")
        HIGH = "high", _("hoch")

    # Kinds with participants (contacts and users taking part).
    WITH_PARTICIPANTS = (Kind.CALL, Kind.APPOINTMENT, Kind.EMAIL)

    kind = models.CharField(_("Art"), max_length=15, choices=Kind.choices, default=Kind.TASK)
    subject = models.CharField(_("Betreff"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    regarding_type = models.ForeignKey(
        ContentType,
        verbose_name=_("Bezug (Art)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    regarding_id = models.PositiveBigIntegerField(_("Bezug (Nr.)"), null=True, blank=True)
    regarding = Regarding("regarding_type", "regarding_id")
    assigned_department = models.ForeignKey(
        "access.Department",
        verbose_name=_("zugewiesene Abteilung"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    start = models.DateTimeField(_("Beginn"), null=True, blank=True)
    due = models.DateTimeField(_("fällig am"), null=True, blank=True)
    priority = models.CharField(
        _("Priorität"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.OPEN, editable=False
    )
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Status geändert von"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    status_changed_at = models.DateTimeField(
        _("Status geändert am"), null=True, blank=True, editable=False
    )
    outcome = models.TextField(_("Ergebnis"), blank=True)
    contacts = models.ManyToManyField(  # a link up the layers, by name (decision 0004)
        "customers.Contact", verbose_name=_("Teilnehmende Kontakte"), blank=True, related_name="+"
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Teilnehmende Benutzer"),
        blank=True,
        related_name="+",
    )

    class Meta(OwnedModel.Meta):
        verbose_name = _("Aktivität")
        verbose_name_plural = _("Aktivitäten")
        ordering = ["due", "start", "pk"]
        indexes = [
            models.Index(
                fields=["regarding_type", "regarding_id", "status"], name="activity_regarding"
            ),
            models.Index(fields=["owner", "status", "due"], name="activity_worklist"),
            models.Index(fields=["assigned_department", "status", "due"], name="activity_queue"),
        ]
        constraints = [
            *OwnedModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(start__isnull=True)
                | Q(due__isnull=True)
                | Q(start__lte=models.F("due")),
                name="activity_start_before_due",
                violation_error_message=_("Der Beginn liegt nach dem Fälligkeitstermin."),
            ),
            models.CheckConstraint(
                condition=Q(regarding_type__isnull=True, regarding_id__isnull=True)
                | Q(regarding_type__isnull=False, regarding_id__isnull=False),
                name="activity_regarding_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.kind == self.Kind.TASK:
            for name in ("start", "due"):
                if getattr(self, name) is None:
                    errors[name] = _("Eine Aufgabe hat Beginn und Fälligkeit.")
        if self.start and self.due and self.start > self.due:
            errors["due"] = _("Die Fälligkeit liegt vor dem Beginn.")
        if bool(self.regarding_type_id) != bool(self.regarding_id):
            errors["regarding_id"] = _("Ein Bezug hat Art und Nummer.")
        elif self.regarding_type_id and self.regarding is None:
            errors["regarding_id"] = _("Diesen Datensatz gibt es nicht.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class ActivityLinks(models.Model):
    """A record type's last completed and next open activity (kept by the operations)."""

    last_activity = models.ForeignKey(
        Activity,
        verbose_name=_("letzte Aktivität"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    next_activity = models.ForeignKey(
        Activity,
        verbose_name=_("nächste Aktivität"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    changelog_exclude = ("last_activity", "next_activity")

    class Meta:
        abstract = True

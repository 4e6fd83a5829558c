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
from django.utils import formats, timezone
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
        WAITING = "waiting", _("wartet")  # a chain step whose predecessors are not done
        OPEN = "open", _("offen")
        COMPLETED = "completed", _("erledigt")
        CANCELLED = "cancelled", _("abgebrochen")

    class Priority(models.TextChoices):
        LOW = "low", _("niedrig")
        NORMAL = "normal", _("normal")
        HIGH = "high", _("hoch")

    # Kinds with participants (contacts and users taking part).
    WITH_PARTICIPANTS = (Kind.CALL, Kind.APPOINTMENT, Kind.EMAIL)
    # The assigned department works on the activity: department grants reach it from there too.
    access_extra_departments = ("assigned_department",)

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
    chain = models.ForeignKey(
        "Chain",
        verbose_name=_("Aktivitätenkette"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="activities",
    )
    step = models.ForeignKey(
        "ChainTemplateStep",
        verbose_name=_("Schritt"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
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
            # The list: by due date (its default order), or filtered by status and kind.
            models.Index(fields=["due", "start"], name="activity_due"),
            models.Index(fields=["status", "kind", "due"], name="activity_status_kind"),
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
            errors["regarding_type"] = _("Ein Bezug hat Art und Nummer.")
        # Whether the record exists and may be read is checked where a user chooses it (form,
        # API): an activity whose record was deleted since can still be completed.
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


class ChainTemplate(RecordModel):
    """A Kettenvorlage: the steps of a recurring piece of work across departments, e.g. a
    tender (Ausschreibung) planned backward from its submission deadline."""

    class Anchor(models.TextChoices):
        FORWARD = "forward", _("vorwärts ab Beginn")
        BACKWARD = "backward", _("rückwärts ab Frist")

    name = models.CharField(_("Name"), max_length=100, unique=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    anchor = models.CharField(
        _("Planung"), max_length=10, choices=Anchor.choices, default=Anchor.FORWARD
    )

    class Meta:
        verbose_name = _("Kettenvorlage")
        verbose_name_plural = _("Kettenvorlagen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ChainTemplateStep(models.Model):
    """One step of a chain template: what, by which department, how many working days, after
    which steps (finish to start)."""

    template = models.ForeignKey(
        ChainTemplate, verbose_name=_("Vorlage"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"))
    key = models.SlugField(_("Kürzel"), max_length=40)
    kind = models.CharField(
        _("Art"), max_length=15, choices=Activity.Kind.choices, default=Activity.Kind.TASK
    )
    subject = models.CharField(_("Betreff"), max_length=200)
    department = models.ForeignKey(
        "access.Department",
        verbose_name=_("Abteilung"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.ForeignKey(
        "access.Role",
        verbose_name=_("Rolle"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "wer den Schritt übernimmt: jemand mit dieser Rolle, möglichst aus der Abteilung "
            "der Kette; ohne Rolle die Verantwortlichen der Kette"
        ),
    )
    working_days = models.PositiveSmallIntegerField(
        _("Dauer (Werktage)"), help_text=_("0: ein Meilenstein")
    )
    predecessors = models.ManyToManyField(
        "self",
        verbose_name=_("Vorgänger"),
        symmetrical=False,
        blank=True,
        related_name="successors",
    )

    class Meta:
        verbose_name = _("Schritt einer Kettenvorlage")
        verbose_name_plural = _("Schritte einer Kettenvorlage")
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="chain_step_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.template}: {self.subject}"


class Chain(OwnedModel, RecordModel):
    """An Aktivitätenkette started on a record: one activity per step of its template, planned
    on working days from a start or back from a deadline, re-planned as steps finish."""

    class Status(models.TextChoices):
        RUNNING = "running", _("läuft")
        COMPLETED = "completed", _("abgeschlossen")
        CANCELLED = "cancelled", _("abgebrochen")

    template = models.ForeignKey(
        ChainTemplate, verbose_name=_("Vorlage"), on_delete=models.PROTECT, related_name="+"
    )
    regarding_type = models.ForeignKey(
        ContentType, verbose_name=_("Bezug (Art)"), on_delete=models.PROTECT, related_name="+"
    )
    regarding_id = models.PositiveBigIntegerField(_("Bezug (Nr.)"))
    regarding = Regarding("regarding_type", "regarding_id")
    anchor_at = models.DateTimeField(
        _("Beginn bzw. Frist"), help_text=_("vorwärts: der Beginn; rückwärts: die Frist")
    )
    note = models.TextField(_("Notiz"), blank=True, help_text=_("z. B. Vergabenummer, Los"))
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.RUNNING, editable=False
    )
    late_warned_at = models.DateTimeField(
        _("Fristwarnung versandt am"), null=True, blank=True, editable=False
    )

    class Meta(OwnedModel.Meta):
        verbose_name = _("Aktivitätenkette")
        verbose_name_plural = _("Aktivitätenketten")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["regarding_type", "regarding_id"], name="chain_regarding"),
        ]

    def __str__(self) -> str:
        # Not the regarding record's name: who may read the chain may not read that record.
        when = formats.date_format(timezone.localtime(self.anchor_at), "SHORT_DATE_FORMAT")
        return f"{self.template} ({when})"

    @property
    def deadline(self):
        """The deadline of a chain planned backward; None for one planned forward."""
        return self.anchor_at if self.template.anchor == ChainTemplate.Anchor.BACKWARD else None


class CalendarFeed(models.Model):
    """A user's personal iCalendar feed: the secret in its address is the only credential, so it
    can be revoked (deleted) and issued anew at any time."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Benutzer"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    secret = models.CharField(_("Geheimnis"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Kalender-Abonnement")
        verbose_name_plural = _("Kalender-Abonnements")

    def __str__(self) -> str:
        return str(self.user)


class ReminderDigest(models.Model):
    """That a person got the day's digest of due and overdue activities (one per day)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Benutzer"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    day = models.DateField(_("Tag"))
    sent_at = models.DateTimeField(_("versandt am"))
    activities = models.PositiveIntegerField(_("Aktivitäten"))

    class Meta:
        verbose_name = _("Erinnerung")
        verbose_name_plural = _("Erinnerungen")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_digest_a_day")]

    def __str__(self) -> str:
        return f"{self.user} {self.day}"

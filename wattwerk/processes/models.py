"""Business processes: templates (stages with gates and tasks, loaded from YAML), one process
instance per lead or opportunity, its stage history and the tasks its stages created.

A template's YAML is kept as imported (``source``) beside its checked, normalised form
(``definition``, see :mod:`wattwerk.processes.definition`); instances read the definition of
the template version they run on, so a newer version changes no running process until it is
switched to.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RecordKind(models.TextChoices):
    LEAD = "lead", _("Lead")
    OPPORTUNITY = "opportunity", _("Verkaufschance")


class ProcessTemplate(models.Model):
    """One version of a process template. Of the versions with the same key, at most one is
    active: the one new records of its type and segment start on."""

    key = models.SlugField(_("Schlüssel"), max_length=60)
    version = models.PositiveIntegerField(_("Version"))
    name = models.CharField(_("Name"), max_length=200)
    record_kind = models.CharField(_("Datensatzart"), max_length=15, choices=RecordKind.choices)
    segments = models.JSONField(
        _("Kundentypen"), default=list, blank=True, help_text=_("leer: alle Kundentypen")
    )
    description = models.TextField(_("Beschreibung"), blank=True)
    source = models.TextField(_("YAML"))
    filename = models.CharField(_("Datei"), max_length=200, blank=True)
    definition = models.JSONField(_("Definition"), editable=False)
    is_active = models.BooleanField(_("aktiv"), default=False)
    imported_at = models.DateTimeField(_("importiert am"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("importiert von"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Prozessvorlage")
        verbose_name_plural = _("Prozessvorlagen")
        ordering = ["record_kind", "key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="process_template_version"),
            models.UniqueConstraint(
                fields=["key"], condition=Q(is_active=True), name="process_template_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def stages(self) -> list[dict]:
        return self.definition["stages"]

    def stage(self, key: str) -> dict:
        return next(stage for stage in self.stages if stage["key"] == key)

    def stage_index(self, key: str) -> int:
        return next(index for index, stage in enumerate(self.stages) if stage["key"] == key)


class ProcessInstance(models.Model):
    """The process a lead or an opportunity runs through: its template, its current stage."""

    class Status(models.TextChoices):
        RUNNING = "running", _("läuft")
        FINISHED = "finished", _("abgeschlossen")

    class Outcome(models.TextChoices):
        QUALIFIED = "qualified", _("qualifiziert")
        DISQUALIFIED = "disqualified", _("disqualifiziert")
        WON = "won", _("gewonnen")
        LOST = "lost", _("verloren")

    template = models.ForeignKey(
        ProcessTemplate,
        verbose_name=_("Prozessvorlage"),
        on_delete=models.PROTECT,
        related_name="instances",
    )
    record_type = models.ForeignKey(
        ContentType, verbose_name=_("Datensatz (Art)"), on_delete=models.CASCADE, related_name="+"
    )
    record_id = models.PositiveBigIntegerField(_("Datensatz (Nr.)"))
    record = GenericForeignKey("record_type", "record_id")
    stage = models.CharField(_("Stufe"), max_length=60)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    outcome = models.CharField(_("Ergebnis"), max_length=15, choices=Outcome.choices, blank=True)
    started_at = models.DateTimeField(_("begonnen am"))
    finished_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)
    probability_by_hand = models.BooleanField(
        _("Wahrscheinlichkeit von Hand gesetzt"),
        default=False,
        help_text=_("Eine von Hand gesetzte Wahrscheinlichkeit überschreibt kein Stufenwechsel."),
    )

    class Meta:
        verbose_name = _("Prozess")
        verbose_name_plural = _("Prozesse")
        constraints = [
            models.UniqueConstraint(fields=["record_type", "record_id"], name="process_per_record")
        ]

    def __str__(self) -> str:
        return f"{self.template.name}: {self.stage_name}"

    @property
    def stage_name(self) -> str:
        return self.template.stage(self.stage)["name"]


class StageVisit(models.Model):
    """One stay of a process in a stage: entered and left with date and time, by whom."""

    class How(models.TextChoices):
        START = "start", _("Beginn")
        ADVANCE = "advance", _("weiter")
        BACK = "back", _("zurück")
        SWITCH = "switch", _("Vorlage gewechselt")

    instance = models.ForeignKey(
        ProcessInstance, verbose_name=_("Prozess"), on_delete=models.CASCADE, related_name="visits"
    )
    template = models.ForeignKey(
        ProcessTemplate,
        verbose_name=_("Prozessvorlage"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    stage = models.CharField(_("Stufe"), max_length=60)
    stage_name = models.CharField(_("Stufe (Name)"), max_length=200)
    how = models.CharField(_("wie erreicht"), max_length=10, choices=How.choices)
    entered_at = models.DateTimeField(_("erreicht am"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erreicht durch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    left_at = models.DateTimeField(_("verlassen am"), null=True, blank=True)
    left_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verlassen durch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Whole seconds in the stage, stored when it is left: the reports aggregate them alike on
    # SQLite and PostgreSQL.
    seconds = models.PositiveBigIntegerField(_("Dauer (s)"), null=True, blank=True)
    # Whether the process went on from here to a later stage (or finished successfully).
    advanced = models.BooleanField(_("weitergegangen"), default=False)

    class Meta:
        verbose_name = _("Stufenaufenthalt")
        verbose_name_plural = _("Stufenaufenthalte")
        ordering = ["entered_at", "pk"]
        indexes = [models.Index(fields=["template", "stage"], name="stage_visit_report")]

    def __str__(self) -> str:
        return self.stage_name


class ProcessTask(models.Model):
    """An activity a stage created on entry, with the condition that closes it by itself."""

    instance = models.ForeignKey(
        ProcessInstance, verbose_name=_("Prozess"), on_delete=models.CASCADE, related_name="tasks"
    )
    visit = models.ForeignKey(
        StageVisit,
        verbose_name=_("Stufenaufenthalt"),
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    key = models.CharField(_("Schlüssel"), max_length=60)
    activity = models.OneToOneField(
        "activities.Activity",
        verbose_name=_("Aktivität"),
        on_delete=models.CASCADE,
        related_name="process_task",
    )
    auto_close = models.TextField(_("erledigt sich, wenn"), blank=True)
    auto_close_label = models.CharField(_("Angabe"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Stufenaufgabe")
        verbose_name_plural = _("Stufenaufgaben")

    def __str__(self) -> str:
        return self.key

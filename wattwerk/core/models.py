"""Base models and the framework's own records: change history and the e-mail outbox.

Business models compose the small mixins below; each mixin has one concern.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .querysets import RestrictedQuerySet


class TimestampedModel(models.Model):
    """Knows when it was created and last changed."""

    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        abstract = True


class ChangeLoggedModel(models.Model):
    """A record whose every create, update and delete is written to the history (Verlauf).

    The history is written by the operations in :mod:`wattwerk.core.operations`, never by signals,
    so a reader sees it happen in the operation. Fields in ``changelog_exclude`` are not logged.
    """

    changelog_exclude: tuple[str, ...] = ()

    class Meta:
        abstract = True


class OwnedModel(models.Model):
    """A record that belongs to a user or a team and, through them, to a department.

    The owning department follows the owner on every save (a team's department for a team);
    the rights (own records, own department, department and below) are decided on these columns.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verantwortlich"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    owner_team = models.ForeignKey(
        "access.Team",
        verbose_name=_("verantwortliches Team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    owning_department = models.ForeignKey(
        "access.Department",
        verbose_name=_("zuständige Abteilung"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    # How far the depths reach (see wattwerk.core.querysets).
    access_owner = "owner"
    access_owner_team = "owner_team"
    access_department = "owning_department"
    access_department_path = "owning_department__path"

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner__isnull=False, owner_team__isnull=True)
                | models.Q(owner__isnull=True, owner_team__isnull=False),
                name="%(app_label)s_%(class)s_one_owner",
                violation_error_message=_("Genau ein Benutzer oder ein Team ist verantwortlich."),
            )
        ]

    def save(self, *args, **kwargs) -> None:
        self.take_owning_department()
        super().save(*args, **kwargs)

    def take_owning_department(self) -> None:
        """The record belongs to its owner's (or owning team's) department; ``save()`` sets it,
        and so must whatever inserts records without it (:mod:`wattwerk.core.bulk`)."""
        owner = self.owner if self.owner_id else self.owner_team if self.owner_team_id else None
        self.owning_department_id = owner.department_id if owner is not None else None


class RecordPageMixin:
    """Links a record to its page, found through the registry of record types."""

    def get_absolute_url(self) -> str:
        from .registry import registry

        try:
            return reverse(registry.for_model(type(self)).url_name("detail"), args=[self.pk])
        except (KeyError, NoReverseMatch):
            return ""


class RecordModel(RecordPageMixin, ChangeLoggedModel, TimestampedModel):
    """The base of every record type shown in lists and record pages."""

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True


class UnableToChangeHistory(Exception):
    """The history is append-only: an entry, once written, is neither changed nor deleted."""


class ObjectChangeQuerySet(models.QuerySet):
    """Reads the history; refuses the bulk writes that would bypass the model's refusals."""

    def update(self, **kwargs):
        raise UnableToChangeHistory(_("Der Verlauf kann nicht geändert werden."))

    def delete(self):
        raise UnableToChangeHistory(_("Der Verlauf kann nicht gelöscht werden."))


class ObjectChange(models.Model):
    """One entry of a record's history: who changed what, or what happened, when, from which
    department.

    Entries are only ever appended (through :func:`wattwerk.core.history.append`), each with the
    next number in one chain over the whole history and a checksum over its content and its
    predecessor's checksum; ``wattwerk verify_history`` finds entries changed, deleted or
    inserted behind the application's back.
    """

    class Kind(models.TextChoices):
        CREATE = "create", _("Angelegt")
        UPDATE = "update", _("Geändert")
        DELETE = "delete", _("Gelöscht")
        EVENT = "event", _("Ereignis")

    sequence = models.PositiveBigIntegerField(_("laufende Nummer"), unique=True, editable=False)
    entry_hash = models.CharField(_("Prüfsumme"), max_length=64, editable=False)
    changed_at = models.DateTimeField(_("Zeitpunkt"), db_index=True)
    # PROTECT: the user's id is part of the checksum, so it must not be set to NULL later.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Benutzer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    user_name = models.CharField(_("Benutzername"), max_length=150, blank=True)
    department_name = models.CharField(_("Abteilung"), max_length=200, blank=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("Datensatztyp"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(_("Datensatz-ID"), max_length=64)
    object_repr = models.CharField(_("Datensatz"), max_length=200)
    kind = models.CharField(_("Art"), max_length=10, choices=Kind.choices)
    event = models.CharField(
        _("Ereignis"),
        max_length=64,
        blank=True,
        help_text=_("Code des Geschäftsereignisses, z. B. „lead_qualified“."),
    )
    message = models.CharField(_("Meldung"), max_length=300, blank=True)
    changes = models.JSONField(_("Änderungen"), default=dict, encoder=DjangoJSONEncoder)
    data = models.JSONField(
        _("Angaben zum Ereignis"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )

    objects = ObjectChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("Verlaufseintrag")
        verbose_name_plural = _("Verlauf")
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-changed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="event", event__gt="")
                | (~models.Q(kind="event") & models.Q(event="")),
                name="core_objectchange_event_code_only_on_events",
                violation_error_message=_(
                    "Ein Ereignis braucht einen Ereignis-Code; andere Einträge haben keinen."
                ),
            )
        ]

    def __str__(self) -> str:
        if self.is_event:
            return f"{self.get_kind_display()}: {self.object_repr} – {self.message}"
        return f"{self.get_kind_display()}: {self.object_repr}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise UnableToChangeHistory(_("Ein Verlaufseintrag kann nicht geändert werden."))
        if self.sequence is None or not self.entry_hash:
            raise UnableToChangeHistory(
                _("Verlaufseinträge entstehen nur über wattwerk.core.history.append().")
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise UnableToChangeHistory(_("Ein Verlaufseintrag kann nicht gelöscht werden."))

    @property
    def is_event(self) -> bool:
        return self.kind == self.Kind.EVENT


class HistoryChainHead(models.Model):
    """The end of the history's chain: the last entry's number and checksum, sealed.

    There is exactly one row. Appending an entry locks it, so concurrent writers queue up here
    and the chain cannot fork; its seal lets the verifier notice a head wound back to hide
    entries deleted from the end.
    """

    SINGLETON_PK = 1

    last_sequence = models.PositiveBigIntegerField(_("letzte laufende Nummer"), default=0)
    last_hash = models.CharField(_("letzte Prüfsumme"), max_length=64, blank=True)
    seal = models.CharField(_("Siegel"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("Kettenkopf des Verlaufs")
        verbose_name_plural = _("Kettenköpfe des Verlaufs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=1),
                name="core_historychainhead_single_row",
                violation_error_message=_("Es gibt nur einen Kettenkopf."),
            )
        ]

    def __str__(self) -> str:
        return str(_("Verlauf bis Nr. %(sequence)s") % {"sequence": self.last_sequence})

    def delete(self, *args, **kwargs):
        raise UnableToChangeHistory(_("Der Kettenkopf des Verlaufs kann nicht gelöscht werden."))


class OutboxEmail(models.Model):
    """An e-mail waiting to leave, written in the same transaction as the change that causes it.

    The worker delivers it after commit; a rolled-back change leaves no row and so no e-mail.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Wartend")
        SENDING = "sending", _("Wird gesendet")
        SENT = "sent", _("Gesendet")
        FAILED = "failed", _("Fehlgeschlagen")

    created_at = models.DateTimeField(_("angelegt am"))
    recipients = models.JSONField(_("Empfänger"))
    subject = models.CharField(_("Betreff"), max_length=255)
    body = models.TextField(_("Text"))
    html_body = models.TextField(_("HTML-Text"), blank=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    next_attempt_at = models.DateTimeField(_("nächster Versuch"), db_index=True)
    claimed_until = models.DateTimeField(_("reserviert bis"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gesendet am"), null=True, blank=True)
    last_error = models.TextField(_("letzter Fehler"), blank=True)

    class Meta:
        verbose_name = _("ausgehende E-Mail")
        verbose_name_plural = _("ausgehende E-Mails")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject

    @property
    def message_id(self) -> str:
        """Stable per outbox row, so a receiver can drop a copy sent again after a crash."""
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">") or "localhost"
        return f"<outbox-{self.pk}@{domain}>"


class OutboxAttachment(models.Model):
    """A file sent with an outbox e-mail (a quote's PDF, say), stored with it until it left."""

    email = models.ForeignKey(OutboxEmail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("Dateiname"), max_length=200)
    mimetype = models.CharField(_("Dateityp"), max_length=100)
    content = models.BinaryField(_("Inhalt"))

    class Meta:
        verbose_name = _("Anhang")
        verbose_name_plural = _("Anhänge")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.filename


class SavedView(models.Model):
    """A list as one user saved it under a name: filters, search and sort (the query string)
    and the columns shown."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    record_type = models.CharField(_("Datensatztyp"), max_length=50)
    name = models.CharField(_("Name"), max_length=100)
    query = models.CharField(_("Filter und Sortierung"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("gespeicherte Ansicht")
        verbose_name_plural = _("gespeicherte Ansichten")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "record_type", "name"], name="saved_view_name_once"
            )
        ]

    def __str__(self) -> str:
        return self.name

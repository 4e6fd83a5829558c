"""The organisation: departments (business units) in a tree, and the users who work in them."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from wattwerk.core.models import ChangeLoggedModel, RecordModel, RecordPageMixin
from wattwerk.core.querysets import RestrictedQuerySet

PATH_STEP = 7  # six digits and a slash per level: "000001/000004/"


class DepartmentQuerySet(RestrictedQuerySet):
    def subtree(self, department: "Department") -> "DepartmentQuerySet":
        """The department and every department below it, in one indexed prefix filter."""
        if not department.path:  # not saved yet: never "everything"
            return self.filter(pk=department.pk)
        return self.filter(path__startswith=department.path)


class Department(RecordModel):
    """A business unit (Abteilung), e.g. Vertrieb or Kreditmanagement, placed in a tree.

    ``path`` holds the chain of ancestor ids, so "this department and everything below it" is a
    single ``LIKE 'prefix%'`` filter — the access rules rely on that.
    """

    name = models.CharField(_("Name"), max_length=100)
    code = models.SlugField(
        _("Kürzel"),
        max_length=40,
        unique=True,
        help_text=_("Kurzes, eindeutiges Kennzeichen, z. B. vertrieb-gk."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("übergeordnete Abteilung"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    email = models.EmailField(
        _("E-Mail-Adresse"),
        blank=True,
        help_text=_("Sammeladresse der Abteilung für Aufgaben per E-Mail."),
    )
    tasks_by_email = models.BooleanField(
        _("Aufgaben per E-Mail"),
        default=False,
        help_text=_(
            "Aufgaben für diese Abteilung gehen ihr per E-Mail zu (an die Sammeladresse, sonst "
            "an jedes Mitglied) — für Abteilungen außerhalb von Vertrieb und Marketing."
        ),
    )
    head = models.ForeignKey(
        "access.User",
        verbose_name=_("Leitung"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("wird gewarnt, wenn eine Aktivitätenkette ihre Frist nicht mehr hält"),
    )
    description = models.TextField(_("Beschreibung"), blank=True)
    path = models.CharField(_("Pfad"), max_length=255, editable=False, db_index=True, default="")

    objects = DepartmentQuerySet.as_manager()
    changelog_exclude = ("path",)
    access_department = "pk"
    access_department_path = "path"

    class Meta:
        verbose_name = _("Abteilung")
        verbose_name_plural = _("Abteilungen")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")), name="department_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return max(len(self.path) // PATH_STEP - 1, 0)

    def clean(self) -> None:
        super().clean()
        if self.parent_id and self.pk:
            own_path = self._stored_path(self.pk)
            if own_path and self._stored_path(self.parent_id).startswith(own_path):
                raise ValidationError(
                    {
                        "parent": _(
                            "Eine Abteilung kann nicht sich selbst oder einer ihrer "
                            "Unterabteilungen untergeordnet werden."
                        )
                    }
                )

    def save(self, *args, **kwargs) -> None:
        if self.pk is None:
            super().save(*args, **kwargs)
            kwargs.pop("force_insert", None)
            kwargs["update_fields"] = None
        # Paths are read from the database: an ancestor may have moved since it was loaded.
        old_path = self._stored_path(self.pk)
        parent_path = self._stored_path(self.parent_id) if self.parent_id else ""
        self.path = f"{parent_path}{self.pk:06d}/"
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # Moved: every descendant's path gets the new prefix, in one UPDATE.
            Department.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                path=Concat(Value(self.path), Substr("path", len(old_path) + 1))
            )

    @staticmethod
    def _stored_path(pk) -> str:
        return Department.objects.filter(pk=pk).values_list("path", flat=True).first() or ""


class UserQuerySet(RestrictedQuerySet):
    pass


class RestrictedUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(RecordPageMixin, ChangeLoggedModel, AbstractUser):
    """A person who works with Wattwerk. Belongs to one department."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("Abteilung"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        help_text=_("Nur technische Konten und Administratoren dürfen ohne Abteilung sein."),
    )

    roles = models.ManyToManyField(
        "access.Role", verbose_name=_("Rollen"), related_name="users", blank=True
    )

    objects = RestrictedUserManager()
    changelog_exclude = ("password", "last_login")
    access_owner = "pk"  # "own records": one's own user record
    access_department = "department"
    access_department_path = "department__path"

    class Meta(AbstractUser.Meta):
        verbose_name = _("Benutzer")
        verbose_name_plural = _("Benutzer")
        ordering = ["last_name", "first_name", "username"]
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def clean_fields(self, exclude=None) -> None:
        if not self.password:
            # A new account can log in once an administrator has set its password.
            self.set_unusable_password()
        super().clean_fields(exclude)


class Depth(models.IntegerChoices):
    """How far a privilege reaches, from nothing to the whole organisation."""

    NONE = 0, _("keine")
    OWN = 1, _("eigene Datensätze")
    DEPARTMENT = 2, _("eigene Abteilung")
    DEPARTMENT_TREE = 3, _("eigene Abteilung und darunter")
    ORGANISATION = 4, _("ganze Organisation")


class Privilege(models.TextChoices):
    CREATE = "create", _("Anlegen")
    READ = "read", _("Lesen")
    WRITE = "write", _("Schreiben")
    DELETE = "delete", _("Löschen")
    ASSIGN = "assign", _("Zuweisen")
    SHARE = "share", _("Freigeben")


class Role(RecordModel):
    """A set of privileges per record type, each at a depth (e.g. "Vertrieb", "Kreditmanagement").

    Users and teams hold roles; the grants add up. Without a grant, nothing is allowed.
    """

    name = models.CharField(_("Name"), max_length=100, unique=True)
    description = models.TextField(_("Beschreibung"), blank=True)

    class Meta:
        verbose_name = _("Rolle")
        verbose_name_plural = _("Rollen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RolePrivilege(models.Model):
    """One cell of a role's matrix: record type × privilege → depth."""

    role = models.ForeignKey(
        Role, verbose_name=_("Rolle"), on_delete=models.CASCADE, related_name="privileges"
    )
    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("Datensatztyp"), on_delete=models.CASCADE
    )
    privilege = models.CharField(_("Recht"), max_length=10, choices=Privilege.choices)
    depth = models.PositiveSmallIntegerField(_("Tiefe"), choices=Depth.choices, default=Depth.NONE)

    class Meta:
        verbose_name = _("Rollenrecht")
        verbose_name_plural = _("Rollenrechte")
        constraints = [
            models.UniqueConstraint(
                fields=["role", "content_type", "privilege"], name="role_privilege_once"
            )
        ]

    def __str__(self) -> str:
        privilege, depth = self.get_privilege_display(), self.get_depth_display()
        return f"{self.role}: {self.content_type} {privilege} ({depth})"


class Team(RecordModel):
    """An owner team: can own records; its members come from several departments.

    Records owned by the team count as "own records" for every member; the team's roles apply to
    its members, with depths measured from the team's department.
    """

    name = models.CharField(_("Name"), max_length=100, unique=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("Abteilung"),
        on_delete=models.PROTECT,
        related_name="teams",
        help_text=_("Zuständige Abteilung für Datensätze des Teams."),
    )
    members = models.ManyToManyField(
        "access.User", verbose_name=_("Mitglieder"), related_name="teams", blank=True
    )
    roles = models.ManyToManyField(Role, verbose_name=_("Rollen"), related_name="teams", blank=True)
    description = models.TextField(_("Beschreibung"), blank=True)

    access_owner_team = "pk"  # "own records": the teams one is a member of
    access_department = "department"
    access_department_path = "department__path"

    class Meta:
        verbose_name = _("Team")
        verbose_name_plural = _("Teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Share(models.Model):
    """One record made readable (or writable) for one user or team, optionally until a date."""

    class Access(models.TextChoices):
        READ = "read", _("Lesen")
        READ_WRITE = "read_write", _("Lesen und Schreiben")

    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("Datensatztyp"), on_delete=models.CASCADE
    )
    object_id = models.BigIntegerField(_("Datensatz-ID"))
    user = models.ForeignKey(
        "access.User",
        verbose_name=_("Benutzer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="shares",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("Team"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="shares",
    )
    access = models.CharField(_("Zugriff"), max_length=10, choices=Access.choices)
    valid_until = models.DateTimeField(_("gültig bis"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt am"))
    created_by = models.ForeignKey(
        "access.User",
        verbose_name=_("freigegeben von"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Freigabe")
        verbose_name_plural = _("Freigaben")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, team__isnull=True)
                | models.Q(user__isnull=True, team__isnull=False),
                name="share_user_or_team",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_access_display()} → {self.user or self.team}"


class FieldSecurityProfile(RecordModel):
    """Who may read or write which secured fields (credit rating, debtor number, prices …).

    A field a record type marks as secured (``secured_fields``) is hidden from everyone who
    holds no profile granting read on it, and read-only for everyone without write. Users hold
    profiles directly or through their teams; the grants add up.
    """

    name = models.CharField(_("Name"), max_length=100, unique=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    users = models.ManyToManyField(
        "access.User", verbose_name=_("Benutzer"), related_name="field_profiles", blank=True
    )
    teams = models.ManyToManyField(
        Team, verbose_name=_("Teams"), related_name="field_profiles", blank=True
    )

    class Meta:
        verbose_name = _("Feldsicherheitsprofil")
        verbose_name_plural = _("Feldsicherheitsprofile")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FieldPermission(models.Model):
    """One secured field of one record type, readable and perhaps writable under a profile."""

    profile = models.ForeignKey(
        FieldSecurityProfile,
        verbose_name=_("Feldsicherheitsprofil"),
        on_delete=models.CASCADE,
        related_name="fields",
    )
    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("Datensatztyp"), on_delete=models.CASCADE
    )
    field_name = models.CharField(_("Feld"), max_length=100)
    can_read = models.BooleanField(_("lesen"), default=True)
    can_write = models.BooleanField(_("schreiben"), default=False)

    class Meta:
        verbose_name = _("Feldrecht")
        verbose_name_plural = _("Feldrechte")
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "content_type", "field_name"], name="field_permission_once"
            ),
            models.CheckConstraint(
                condition=~models.Q(can_write=True, can_read=False),
                name="field_permission_write_needs_read",
                violation_error_message=_(
                    "Wer ein Feld schreiben darf, muss es auch lesen dürfen."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile}: {self.content_type} · {self.field_name}"

    def clean(self) -> None:
        super().clean()
        model = self.content_type.model_class() if self.content_type_id else None
        if model is not None and self.field_name not in getattr(model, "secured_fields", ()):
            raise ValidationError(
                {
                    "field_name": _("„%(field)s“ ist kein geschütztes Feld von %(type)s.")
                    % {"field": self.field_name, "type": model._meta.verbose_name}
                }
            )

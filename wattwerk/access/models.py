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
    description = models.TextField(_("Beschreibung"), blank=True)
    path = models.CharField(_("Pfad"), max_length=255, editable=False, db_index=True, default="")

    objects = DepartmentQuerySet.as_manager()
    changelog_exclude = ("path",)

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

    objects = RestrictedUserManager()
    changelog_exclude = ("password", "last_login")

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

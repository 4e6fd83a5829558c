import factory
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from wattwerk.access.models import (
    Department,
    Depth,
    FieldPermission,
    FieldSecurityProfile,
    Role,
    RolePrivilege,
    Share,
    Team,
    User,
)

# Django's permission verbs, accepted as a shorthand for our privileges.
_VERBS = {"view": "read", "add": "create", "change": "write"}


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Abteilung {n}")
    code = factory.Sequence(lambda n: f"abt-{n}")
    email = factory.LazyAttribute(lambda d: f"{d.code}@example.org")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Erika"
    last_name = factory.Sequence(lambda n: f"Muster{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    department = factory.SubFactory(DepartmentFactory)
    password = factory.django.Password("geheim-123")

    @factory.post_generation
    def permissions(self, create, extracted, **kwargs):
        """``UserFactory(permissions=["access.read_department"])``: a role with these privileges
        for the whole organisation (``view``/``add``/``change`` are read as read/create/write)."""
        if create and extracted:
            self.roles.add(role_with(*((name, Depth.ORGANISATION) for name in extracted)))


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    name = factory.Sequence(lambda n: f"Rolle {n}")


def parse_privilege(name: str) -> tuple[ContentType, str]:
    """``"access.read_department"`` → (content type of access.Department, "read")."""
    app_label, codename = name.split(".")
    verb, model = codename.split("_", 1)
    return ContentType.objects.get_by_natural_key(app_label, model), _VERBS.get(verb, verb)


def role_with(*privileges: tuple[str, int], name: str | None = None) -> Role:
    """``role_with(("sample.read_note", Depth.DEPARTMENT), ...)``"""
    role = RoleFactory(**({"name": name} if name else {}))
    for privilege_name, depth in privileges:
        content_type, privilege = parse_privilege(privilege_name)
        RolePrivilege.objects.update_or_create(
            role=role, content_type=content_type, privilege=privilege, defaults={"depth": depth}
        )
    return role


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Team {n}")
    department = factory.SubFactory(DepartmentFactory)

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.add(*extracted)


def profile_with(model, *field_names: str, write: bool = False, users=(), teams=(), name=None):
    """A field security profile granting read (and with ``write`` also write) on these fields."""
    profile = FieldSecurityProfile.objects.create(
        name=name or f"Profil {FieldSecurityProfile.objects.count() + 1}"
    )
    content_type = ContentType.objects.get_for_model(model)
    for field_name in field_names:
        FieldPermission.objects.create(
            profile=profile,
            content_type=content_type,
            field_name=field_name,
            can_read=True,
            can_write=write,
        )
    profile.users.add(*users)
    profile.teams.add(*teams)
    return profile


class FieldSecurityProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FieldSecurityProfile
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Feldsicherheitsprofil {n}")
    description = "Bonität und Sicherheiten"

    @factory.post_generation
    def users(self, create, extracted, **kwargs):
        if create and extracted:
            self.users.add(*extracted)

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            self.teams.add(*extracted)


class AccessHooks:
    """What the generic permission suite (core, which cannot import this app) needs built:
    departments, users, grants and shares. Handed to it by the ``rights_hooks`` fixture."""

    def make_department(self, parent=None):
        return DepartmentFactory(parent=parent)

    def make_user(self, department):
        return UserFactory(department=department)

    def grant(self, user, *privileges):
        user.roles.add(role_with(*privileges))

    def share(self, record, user, access, valid_until):
        Share.objects.create(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            user=user,
            access=access,
            valid_until=valid_until,
            created_at=timezone.now(),
        )

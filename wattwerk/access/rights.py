"""The rules of access: roles with depth, owner teams and shares, turned into one SQL filter.

A user's grants are the privileges of their own roles (depth measured from their department)
plus those of the roles of their teams (depth measured from the team's department). They add
up; without a grant nothing is allowed. Shares add single records for reading or writing.
The grants are read once per user object (three queries at most) and kept on it, so a page
pays a fixed number of queries for the restriction whatever the number of rows, roles and shares.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from wattwerk.core.querysets import Action, is_superuser, secured_holders, secured_name

from .models import Department, Depth, FieldPermission, RolePrivilege, Share, Team

_CACHE = "_wattwerk_rights"
_FIELD_CACHE = "_wattwerk_field_rights"

# Which share access grants which action.
SHARE_ACCESS = {
    Action.READ: (Share.Access.READ, Share.Access.READ_WRITE),
    Action.WRITE: (Share.Access.READ_WRITE,),
}


@dataclass(frozen=True)
class Grant:
    """One privilege at a depth, and where it comes from (for "why can I see this?")."""

    content_type_id: int
    privilege: str
    depth: int
    role: str
    department_id: int | None  # the department the depth is measured from
    department_path: str
    team_id: int | None = None
    team: str = ""


@dataclass(frozen=True)
class UserRights:
    grants: tuple[Grant, ...]
    team_ids: frozenset[int]

    def grants_for(self, content_type_id: int, action: str) -> list[Grant]:
        return [
            g
            for g in self.grants
            if g.content_type_id == content_type_id and g.privilege == action and g.depth > 0
        ]


def rights_of(user) -> UserRights:
    cached = getattr(user, _CACHE, None)
    if cached is not None:
        return cached
    own_department = (
        Department.objects.filter(pk=user.department_id).values_list("path", flat=True).first()
        if user.department_id
        else None
    )
    grants = [
        Grant(
            content_type_id=row["content_type_id"],
            privilege=row["privilege"],
            depth=row["depth"],
            role=row["role__name"],
            department_id=user.department_id,
            department_path=own_department or "",
        )
        for row in RolePrivilege.objects.filter(role__users=user, depth__gt=0).values(
            "content_type_id", "privilege", "depth", "role__name"
        )
    ]
    team_ids = set()
    team_rows = Team.objects.filter(members=user).values(
        "id",
        "name",
        "department_id",
        "department__path",
        "roles__name",
        "roles__privileges__content_type_id",
        "roles__privileges__privilege",
        "roles__privileges__depth",
    )
    for row in team_rows:
        team_ids.add(row["id"])
        if row["roles__privileges__depth"]:
            grants.append(
                Grant(
                    content_type_id=row["roles__privileges__content_type_id"],
                    privilege=row["roles__privileges__privilege"],
                    depth=row["roles__privileges__depth"],
                    role=row["roles__name"],
                    department_id=row["department_id"],
                    department_path=row["department__path"],
                    team_id=row["id"],
                    team=row["name"],
                )
            )
    rights = UserRights(grants=tuple(grants), team_ids=frozenset(team_ids))
    setattr(user, _CACHE, rights)
    return rights


def forget_rights(user) -> None:
    """After roles, teams, departments or profiles changed within one request."""
    for name in (_CACHE, _FIELD_CACHE):
        if hasattr(user, name):
            delattr(user, name)


def field_grants_of(user) -> dict[int, tuple[frozenset[str], frozenset[str]]]:
    """Per record type (content type id): the secured fields the user may read, and write.

    From the profiles the user holds directly or through a team; one query, read when first
    needed and kept on the user object like the role grants.
    """
    cached = getattr(user, _FIELD_CACHE, None)
    if cached is not None:
        return cached
    readable: dict[int, set[str]] = {}
    writable: dict[int, set[str]] = {}
    rows = (
        FieldPermission.objects.filter(
            Q(profile__users=user) | Q(profile__teams__members=user), can_read=True
        )
        .values_list("content_type_id", "field_name", "can_write")
        .distinct()
    )
    for content_type_id, name, can_write in rows:
        readable.setdefault(content_type_id, set()).add(name)
        if can_write:
            writable.setdefault(content_type_id, set()).add(name)
    grants = {
        content_type_id: (frozenset(names), frozenset(writable.get(content_type_id, ())))
        for content_type_id, names in readable.items()
    }
    setattr(user, _FIELD_CACHE, grants)
    return grants


def _nothing() -> Q:
    return Q(pk__in=[])


def _own(model: type[models.Model], user, team_ids) -> Q:
    condition = _nothing()
    owner = getattr(model, "access_owner", None)
    owner_team = getattr(model, "access_owner_team", None)
    if owner:
        condition |= Q(**{owner: user.pk})
    if owner_team and team_ids:
        condition |= Q(**{f"{owner_team}__in": sorted(team_ids)})
    return condition


def scope(model: type[models.Model], grant: Grant, user, team_ids) -> Q:
    """The records one grant reaches, as a filter on ``model``.

    Each depth reaches what the one below it reaches: a department grant includes one's own
    records even when a team of another department owns them.
    """
    if grant.depth >= Depth.ORGANISATION:
        return Q()
    condition = _own(model, user, team_ids)
    if grant.depth == Depth.OWN or grant.department_id is None:
        return condition
    # A record may name further departments whose people work on it (an activity's assigned
    # department): a department grant reaches it from those, too.
    extra = getattr(model, "access_extra_departments", ())
    if grant.depth == Depth.DEPARTMENT:
        fields = [getattr(model, "access_department", None), *extra]
        for field in filter(None, fields):
            condition |= Q(**{field: grant.department_id})
        return condition
    paths = [getattr(model, "access_department_path", None), *(f"{name}__path" for name in extra)]
    if not grant.department_path:
        return condition
    for path_field in filter(None, paths):
        condition |= Q(**{f"{path_field}__startswith": grant.department_path})
    return condition


def active_shares(user, team_ids, content_type_id: int, access) -> models.QuerySet:
    """Shares of one record type with the user or their teams, not expired, of these kinds."""
    return Share.objects.filter(
        Q(user=user) | Q(team_id__in=sorted(team_ids)),
        content_type_id=content_type_id,
        access__in=access,
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=Now()))


def share_scope(model: type[models.Model], content_type_id: int, action: str, user, team_ids) -> Q:
    access = SHARE_ACCESS.get(Action(action))
    if not access:
        return _nothing()
    shares = active_shares(user, team_ids, content_type_id, access)
    return Q(pk__in=shares.values("object_id"))


class AccessRights:
    """The rights provider plugged into :mod:`wattwerk.core.querysets`."""

    def restrict(self, queryset: models.QuerySet, user, action: str) -> models.QuerySet:
        if is_superuser(user):
            return queryset
        model = queryset.model
        content_type_id = ContentType.objects.get_for_model(model).pk
        rights = rights_of(user)
        condition = _nothing()
        for grant in rights.grants_for(content_type_id, action):
            reach = scope(model, grant, user, rights.team_ids)
            if reach == Q():
                return queryset  # the whole organisation
            condition |= reach
        condition |= share_scope(model, content_type_id, action, user, rights.team_ids)
        return queryset.filter(condition)

    def can(self, user, model: type[models.Model], action: str) -> bool:
        if is_superuser(user):
            return True
        content_type_id = ContentType.objects.get_for_model(model).pk
        return bool(rights_of(user).grants_for(content_type_id, action))

    def explain(self, user, instance: models.Model) -> list:
        return explain(user, instance)

    def forget(self, user) -> None:
        forget_rights(user)

    def secured_field_rights(self, user, model: type[models.Model]):
        secured = frozenset(getattr(model, "secured_fields", ()))
        if is_superuser(user):
            return secured, secured
        content_type_id = ContentType.objects.get_for_model(model).pk
        readable, writable = field_grants_of(user).get(content_type_id, (frozenset(), frozenset()))
        return readable & secured, writable & secured


@dataclass(frozen=True)
class Reason:
    """Why a user may do something with one record, in words and as data."""

    action: str
    source: str  # "administrator", "role", "team_role", "share" or "field_profile"
    text: str
    role: str = ""
    depth: int | None = None
    team: str = ""
    valid_until: object = None
    field: str = ""  # for "field_profile": the secured field read or written


def explain(user, instance: models.Model, actions=(Action.READ, Action.WRITE, Action.DELETE)):
    """Every grant and share that gives the user each action on this record."""
    model = type(instance)
    if is_superuser(user):
        return [
            Reason(action=a, source="administrator", text=_("Administrator: alle Rechte"))
            for a in actions
        ]
    reasons = _explain_records(user, instance, model, actions)
    for part, holder in secured_holders(model):  # a quote, and its lines' prices
        reasons += explain_fields(user, holder, part)
    return reasons


def explain_fields(user, model: type[models.Model], part: str = "") -> list[Reason]:
    """Which field security profiles let the user read or write each secured field (of the
    child rows ``part`` names: "lines.price_ct_kwh")."""
    secured = getattr(model, "secured_fields", ())
    if not secured:
        return []
    rows = (
        FieldPermission.objects.filter(
            Q(profile__users=user) | Q(profile__teams__members=user),
            content_type=ContentType.objects.get_for_model(model),
            field_name__in=secured,
            can_read=True,
        )
        .values_list("field_name", "profile__name", "can_write")
        .distinct()
        .order_by("field_name", "profile__name")
    )
    reasons = []
    for name, profile, can_write in rows:
        granted = [Action.READ, Action.WRITE] if can_write else [Action.READ]
        for action in granted:
            reasons.append(
                Reason(
                    action=action,
                    source="field_profile",
                    field=secured_name(part, name),
                    text=_("Feldsicherheitsprofil „%(profile)s“") % {"profile": profile},
                )
            )
    return reasons


def _explain_records(user, instance, model, actions) -> list[Reason]:
    content_type_id = ContentType.objects.get_for_model(model).pk
    rights = rights_of(user)
    here = model._default_manager.filter(pk=instance.pk)
    reasons = []
    for action in actions:
        for grant in rights.grants_for(content_type_id, action):
            if here.filter(scope(model, grant, user, rights.team_ids)).exists():
                depth = Depth(grant.depth).label
                if grant.team_id:
                    text = _("Rolle „%(role)s“ über Team „%(team)s“: %(depth)s") % {
                        "role": grant.role,
                        "team": grant.team,
                        "depth": depth,
                    }
                else:
                    text = _("Rolle „%(role)s“: %(depth)s") % {"role": grant.role, "depth": depth}
                reasons.append(
                    Reason(
                        action=action,
                        source="team_role" if grant.team_id else "role",
                        text=text,
                        role=grant.role,
                        depth=grant.depth,
                        team=grant.team,
                    )
                )
        access = SHARE_ACCESS.get(Action(action), ())
        shares = active_shares(user, rights.team_ids, content_type_id, access).filter(
            object_id=instance.pk
        )
        for share in shares.select_related("team", "created_by"):
            text = _("Freigabe an %(whom)s (%(access)s)") % {
                "whom": _("Team „%(team)s“") % {"team": share.team} if share.team else _("Sie"),
                "access": share.get_access_display(),
            }
            if share.valid_until:
                text += " " + _("bis %(until)s") % {
                    "until": date_format(
                        timezone.localtime(share.valid_until), "SHORT_DATETIME_FORMAT"
                    )
                }
            reasons.append(
                Reason(
                    action=action,
                    source="share",
                    text=text,
                    team=str(share.team or ""),
                    valid_until=share.valid_until,
                )
            )
    return reasons

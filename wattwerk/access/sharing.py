"""Sharing one record with one user or team: read or read/write, optionally until a moment.

Who holds the share privilege on a record may share it; only who may write it may share it for
writing. Sharing and revoking are events in the record's history.
"""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from wattwerk.core import changelog
from wattwerk.core.operations import within_reach
from wattwerk.core.querysets import Action

from .models import Share, Team, User


def shares_of(instance: models.Model) -> models.QuerySet[Share]:
    """Every share of the record, expired ones included (they show as expired)."""
    return Share.objects.filter(
        content_type=ContentType.objects.get_for_model(type(instance)), object_id=instance.pk
    ).select_related("user", "team", "created_by")


def _describe(share: Share) -> str:
    text = _("%(whom)s: %(access)s") % {
        "whom": share.user or _("Team „%(team)s“") % {"team": share.team},
        "access": share.get_access_display(),
    }
    if share.valid_until:
        until = date_format(timezone.localtime(share.valid_until), "SHORT_DATETIME_FORMAT")
        text += " " + _("bis %(until)s") % {"until": until}
    return text


def _share_data(share: Share) -> dict:
    return {
        "recipient": str(share.user or share.team),
        "access": share.access,
        "valid_until": share.valid_until.isoformat() if share.valid_until else None,
    }


def share_record(
    *,
    instance: models.Model,
    acting_user,
    now: datetime,
    access: str,
    user: User | None = None,
    team: Team | None = None,
    valid_until: datetime | None = None,
) -> Share:
    """Share the record with one user or team; a second share to the same one replaces it."""
    errors = {}
    if (user is None) == (team is None):
        errors["user"] = _("Bitte genau einen Benutzer oder ein Team wählen.")
    elif user is not None and not user.is_active:
        errors["user"] = _("„%(user)s“ ist deaktiviert.") % {"user": user}
    if access not in Share.Access.values:
        errors["access"] = _("Unbekannter Zugriff „%(access)s“.") % {"access": access}
    if valid_until is not None and valid_until <= now:
        errors["valid_until"] = _("Das Ende der Freigabe muss in der Zukunft liegen.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if not within_reach(instance, acting_user, Action.SHARE):
            raise PermissionDenied
        if access == Share.Access.READ_WRITE and not within_reach(
            instance, acting_user, Action.WRITE
        ):
            raise ValidationError(
                {
                    "access": _(
                        "Zum Schreiben freigeben kann nur, wer den Datensatz selbst schreiben darf."
                    )
                }
            )
        share, _created = Share.objects.update_or_create(
            content_type=ContentType.objects.get_for_model(type(instance)),
            object_id=instance.pk,
            user=user,
            team=team,
            defaults={
                "access": access,
                "valid_until": valid_until,
                "created_at": now,
                "created_by": acting_user,
            },
        )
        changelog.log_event(
            instance=instance,
            event="record_shared",
            message=_("Freigegeben für %(share)s") % {"share": _describe(share)},
            data=_share_data(share),
            acting_user=acting_user,
            now=now,
        )
    return share


def revoke_share(*, share: Share, instance: models.Model, acting_user, now: datetime) -> None:
    """End a share before its time."""
    with transaction.atomic():
        if not within_reach(instance, acting_user, Action.SHARE):
            raise PermissionDenied
        description, data = _describe(share), _share_data(share)
        share.delete()
        changelog.log_event(
            instance=instance,
            event="share_revoked",
            message=_("Freigabe aufgehoben: %(share)s") % {"share": description},
            data=data,
            acting_user=acting_user,
            now=now,
        )

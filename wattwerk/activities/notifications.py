"""E-mails about activities, through the outbox (sent once, and never for a rolled-back change):
a task that opens for a department outside sales and marketing goes to that department."""

from datetime import datetime

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from wattwerk.access.models import User
from wattwerk.core import outbox

from .models import Activity


def department_recipients(department) -> list[str]:
    """The department's shared address, else the addresses of its active members."""
    if department.email:
        return [department.email]
    members = User.objects.filter(department=department, is_active=True).exclude(email="")
    return sorted(set(members.values_list("email", flat=True)))


def notify_department(activity: Activity, *, now: datetime) -> None:
    """Queue the e-mail telling the assigned department about its open task."""
    department = activity.assigned_department
    recipients = department_recipients(department)
    if not recipients:
        return
    site = settings.SITE_URL.rstrip("/")
    lines = [
        _("Für %(department)s gibt es eine Aufgabe:") % {"department": department},
        "",
        activity.subject,
    ]
    if activity.description:
        lines += ["", activity.description]
    if activity.due:
        due = formats.date_format(timezone.localtime(activity.due), "SHORT_DATETIME_FORMAT")
        lines += ["", _("Fällig: %(due)s") % {"due": due}]
    if activity.regarding_type_id:
        # Of which kind, not which record: not everyone the e-mail reaches may read it; the
        # task's page names it to those who may.
        kind = activity.regarding_type.model_class()._meta.verbose_name
        lines += [_("Zu: %(kind)s (siehe Aufgabe)") % {"kind": kind}]
    owner = activity.owner or activity.owner_team
    lines += ["", _("Verantwortlich: %(owner)s") % {"owner": owner}]
    lines += [_("Aufgabe: %(url)s") % {"url": site + activity.get_absolute_url()}]
    outbox.queue_email(
        recipients=recipients,
        subject=_("Aufgabe für %(department)s: %(subject)s")
        % {"department": department, "subject": activity.subject},
        body="\n".join(lines) + "\n",
        now=now,
    )


def opens_for_a_department(activity: Activity, stored: Activity | None) -> bool:
    """Whether this write makes the task one the department must hear about: it is open, for a
    department that takes tasks by e-mail, and was not so before."""
    department = activity.assigned_department if activity.assigned_department_id else None
    if activity.status != Activity.Status.OPEN or department is None:
        return False
    if not department.tasks_by_email:
        return False
    return stored is None or (
        stored.status != Activity.Status.OPEN
        or stored.assigned_department_id != activity.assigned_department_id
    )

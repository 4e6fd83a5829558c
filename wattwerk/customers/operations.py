"""Writes on customers beyond the generic ones: a contact's position (Funktion) and department
at each of its accounts. Each is one transaction with an entry in the contact's history."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wattwerk.core import changelog, operations
from wattwerk.core.querysets import Action

from .models import Account, AccountContact, Contact

POSITION_FIELDS = ("position", "department")


def set_position(
    *,
    contact: Contact,
    account: Account,
    position: str = "",
    department: str = "",
    acting_user,
    now: datetime,
) -> AccountContact:
    """Link the contact to the account (if it is not yet) with this position and department;
    needs write on the contact and read on the account."""
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        operations.require(contact, acting_user, Action.WRITE)
        operations.require(account, acting_user, Action.READ)
        link = AccountContact.objects.filter(account=account, contact=contact).first()
        created = link is None
        link = link or AccountContact(account=account, contact=contact)
        before = {name: getattr(link, name) for name in POSITION_FIELDS}
        link.position, link.department = position.strip(), department.strip()
        try:
            link.full_clean(exclude=["account", "contact"])
        except ValidationError as error:
            raise ValidationError(error.message_dict) from error
        after = {name: getattr(link, name) for name in POSITION_FIELDS}
        if not created and before == after:
            return link
        link.save()
        shown = ", ".join(part for part in (link.position, link.department) if part)
        changelog.log_event(
            instance=contact,
            event="account_linked" if created else "position_changed",
            message=(
                _("Bei %(account)s: %(position)s")
                % {"account": str(account)[:100], "position": shown or "–"}
            ),
            data={"account": account.pk, **after},
            acting_user=acting_user,
            now=now,
        )
    return link


def remove_position(*, contact: Contact, account: Account, acting_user, now: datetime) -> None:
    """The contact no longer works at the account (needs write on the contact)."""
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        operations.require(contact, acting_user, Action.WRITE)
        deleted, _by_type = AccountContact.objects.filter(account=account, contact=contact).delete()
        if deleted:
            changelog.log_event(
                instance=contact,
                event="account_unlinked",
                message=_("Nicht mehr bei %(account)s") % {"account": str(account)[:100]},
                data={"account": account.pk},
                acting_user=acting_user,
                now=now,
            )

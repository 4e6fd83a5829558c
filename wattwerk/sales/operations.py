"""Writes on leads and opportunities beyond the generic ones: their lines, qualification,
disqualification and closing. Each is one transaction that also keeps the totals right and
writes the history."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from wattwerk.core import changelog, operations
from wattwerk.core.querysets import Action
from wattwerk.customers import operations as customer_operations
from wattwerk.customers.models import Account, AccountContact, Contact
from wattwerk.energy.models import Commodity, DeliveryPoint

from . import totals
from .models import (
    AccountOpportunity,
    Lead,
    LeadLine,
    Line,
    LineKind,
    Opportunity,
    OpportunityLine,
)

LINE_FIELDS = [
    field.name
    for field in Line._meta.get_fields()
    if field.concrete and not field.primary_key and field.name != "id"
]


def _within(queryset, acting_user, action: str):
    """The records the user may act on (all of them for the system itself)."""
    return queryset if acting_user is None else queryset.restrict(acting_user, action)


def parent_of(line: Line) -> Lead | Opportunity:
    return line.lead if isinstance(line, LeadLine) else line.opportunity


def _refresh(parent: Lead | Opportunity) -> None:
    if isinstance(parent, Lead):
        totals.refresh_lead(parent)
    else:
        totals.refresh_opportunity(parent)


def line_data(line: Line, fields=LINE_FIELDS) -> dict:
    """A line's filled fields as strings, for the history."""
    return {
        name: str(getattr(line, name)) if getattr(line, name) is not None else None
        for name in fields
        if getattr(line, name) not in (None, "")
    }


def line_changes(before: dict, after: dict) -> dict:
    """What differs between two ``line_data`` snapshots: field → old and new."""
    return {
        name: {"old": before.get(name), "new": after.get(name)}
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def _check_open(parent: Lead | Opportunity) -> None:
    if parent.status != parent.Status.OPEN:
        raise ValidationError(
            _("„%(record)s“ ist abgeschlossen; seine Zeilen ändern sich nicht mehr.")
            % {"record": parent}
        )


def add_line(*, parent: Lead | Opportunity, values: dict, acting_user, now: datetime) -> Line:
    """A new potential or demand line on a lead or an opportunity (write on it needed)."""
    with transaction.atomic():
        parent = type(parent).objects.select_for_update().get(pk=parent.pk)
        operations.require(parent, acting_user, Action.WRITE)
        _check_open(parent)
        if isinstance(parent, Lead):
            line = LeadLine(**values, lead=parent)
        else:
            line = OpportunityLine(**values, opportunity=parent)
        line.full_clean()
        line.save()
        _refresh(parent)  # totals first: the history append is the last write (history.py)
        operations.record_event(parent, "lines", acting_user=acting_user, now=now)
        changelog.log_event(
            instance=parent,
            event="line_added",
            message=_("Zeile hinzugefügt: %(line)s") % {"line": str(line)[:250]},
            data=line_data(line),
            acting_user=acting_user,
            now=now,
        )
    return line


def change_line(*, line: Line, values: dict, acting_user, now: datetime) -> Line:
    with transaction.atomic():
        parent = parent_of(line)
        parent = type(parent).objects.select_for_update().get(pk=parent.pk)
        operations.require(parent, acting_user, Action.WRITE)
        _check_open(parent)
        before = line_data(line)
        for name, value in values.items():
            setattr(line, name, value)
        line.full_clean()
        line.save()
        _refresh(parent)
        operations.record_event(parent, "lines", acting_user=acting_user, now=now)
        changes = line_changes(before, line_data(line))
        if changes:
            changelog.log_event(
                instance=parent,
                event="line_changed",
                message=_("Zeile geändert: %(line)s") % {"line": str(line)[:250]},
                data=changes,
                acting_user=acting_user,
                now=now,
            )
    return line


def remove_line(*, line: Line, acting_user, now: datetime) -> None:
    with transaction.atomic():
        parent = parent_of(line)
        parent = type(parent).objects.select_for_update().get(pk=parent.pk)
        operations.require(parent, acting_user, Action.WRITE)
        _check_open(parent)
        data = line_data(line)
        shown = str(line)
        line.delete()
        _refresh(parent)
        operations.record_event(parent, "lines", acting_user=acting_user, now=now)
        changelog.log_event(
            instance=parent,
            event="line_removed",
            message=_("Zeile entfernt: %(line)s") % {"line": shown[:250]},
            data=data,
            acting_user=acting_user,
            now=now,
        )


# What an account and a contact take over from a lead: their field ← the lead's field.
ACCOUNT_FROM_LEAD = {
    "name": "company_name",
    "legal_form": "legal_form",
    "vat_id": "vat_id",
    "street": "street",
    "postcode": "postcode",
    "city": "city",
    "customer_type": "customer_type",
    "industry": "industry",
    "segment": "segment",
    "consent": "consent",
    "consent_date": "consent_date",
    "consent_source": "consent_source",
}
CONTACT_FROM_LEAD = {
    "salutation": "salutation",
    "first_name": "first_name",
    "last_name": "last_name",
    "email": "email",
    "phone": "phone",
    "segment": "segment",
    "consent": "consent",
    "consent_date": "consent_date",
    "consent_source": "consent_source",
}
MARKETING_LINKS = ("interests", "channels")
# Taken over together or not at all: a street from one town and the city of another are no address.
UNITS = (("street", "postcode", "city"), ("consent", "consent_date", "consent_source"))


def _lead_values(lead: Lead, fields: dict) -> dict:
    return {name: getattr(lead, source) for name, source in fields.items()}


def account_from_lead(lead: Lead) -> Account:
    """A new account with the lead's company data (not saved)."""
    return Account(
        **_lead_values(lead, ACCOUNT_FROM_LEAD), owner=lead.owner, owner_team=lead.owner_team
    )


def contact_from_lead(lead: Lead) -> Contact:
    return Contact(
        **_lead_values(lead, CONTACT_FROM_LEAD), owner=lead.owner, owner_team=lead.owner_team
    )


def _marketing_links(lead: Lead) -> dict:
    return {name: list(getattr(lead, name).all()) for name in MARKETING_LINKS}


def _take_over(record, lead: Lead, fields: dict, acting_user, now: datetime) -> None:
    """An existing account or contact takes over what the lead knows and it does not: empty
    fields are filled, the address and the consent (with its date and source) only as a whole
    and only where the record has none; interests and channels are added. Nothing it has is
    overwritten; without the right to write it, it stays as it is."""
    if not operations.within_reach(record, acting_user, Action.WRITE):
        return
    values = _lead_values(lead, fields)
    empty = (None, "", False)
    for unit in UNITS:
        present = [name for name in unit if name in values]
        given = {name: values.pop(name) for name in present}
        if all(getattr(record, name) in empty for name in present):
            for name, value in given.items():
                setattr(record, name, value)
    for name, value in values.items():
        if value not in empty and getattr(record, name) in empty:
            setattr(record, name, value)
    links = {
        name: list({*getattr(record, name).all(), *getattr(lead, name).all()})
        for name in MARKETING_LINKS
    }
    operations.update_record(instance=record, acting_user=acting_user, now=now, many_to_many=links)


def _link_contact(contact: Contact, account: Account, position: str, acting_user, now) -> None:
    """The contact at the account, with the lead's position where it has none there yet. Linking
    changes the contact: without the right to write it, it is not linked."""
    if not operations.within_reach(contact, acting_user, Action.WRITE):
        return
    link = AccountContact.objects.filter(account=account, contact=contact).first()
    if link is not None and (link.position or not position):
        return
    customer_operations.set_position(
        contact=contact,
        account=account,
        position=position,
        department=link.department if link else "",
        acting_user=acting_user,
        now=now,
    )


def _delivery_point_for(line: Line, lead: Lead, account: Account, acting_user, now):
    """The delivery point a line names by its MaLo-ID: the one recorded already, or a new one of
    the account (a line on a lead may name a MaLo-ID before the delivery point exists)."""
    known = DeliveryPoint.objects.filter(malo_id=line.malo_id, commodity=line.commodity)
    existing = _within(known, acting_user, Action.READ).first()
    if existing is not None:
        return existing  # one the user may not read is not linked: creating it again fails
    return operations.create_record(
        instance=DeliveryPoint(
            malo_id=line.malo_id,
            commodity=line.commodity,
            account=account,
            name=lead.company_name[:150],
            street=line.address[:150],
            city=lead.city,
            annual_kwh=line.annual_kwh,
            owner=account.owner,
            owner_team=account.owner_team,
        ),
        acting_user=acting_user,
        now=now,
    )


def qualify_lead(
    *,
    lead: Lead,
    acting_user,
    now: datetime,
    account: Account | None = None,
    contact: Contact | None = None,
    opportunity_name: str = "",
) -> Opportunity:
    """Turn an open lead into an opportunity with an account (the one given, or a new one
    from the lead's data) and a contact (likewise, when the lead names a person). Lines,
    marketing attributes and industry carry over; the lead is marked qualified and linked both
    ways. All or nothing; a lead is qualified once."""
    with transaction.atomic():
        lead = Lead.objects.select_for_update().get(pk=lead.pk)
        operations.require(lead, acting_user, Action.WRITE)
        if lead.status != Lead.Status.OPEN:
            raise ValidationError(
                _(
                    "Der Lead „%(lead)s“ ist bereits %(status)s; "
                    "er wird nicht noch einmal qualifiziert."
                )
                % {"lead": lead, "status": lead.get_status_display()}
            )
        lines = list(lead.lines.select_related("commodity"))
        # Every existing row this qualification may write is locked now, before the first
        # history entry: writers lock their rows first, then the history's head, so none deadlock.
        if account is not None:
            operations.require(account, acting_user, Action.READ)
            account = Account.objects.select_for_update().get(pk=account.pk)
        if contact is not None:
            operations.require(contact, acting_user, Action.READ)
            contact = Contact.objects.select_for_update().get(pk=contact.pk)
        named = Q(pk__in=[line.delivery_point_id for line in lines if line.delivery_point_id])
        named |= Q(malo_id__in=[line.malo_id for line in lines if line.malo_id])
        list(DeliveryPoint.objects.select_for_update().filter(named).values_list("pk"))
        # Those who follow leads may refuse (a process not in its last stage), before any write.
        operations.record_event(lead, "qualified", acting_user=acting_user, now=now)

        links = _marketing_links(lead)
        if account is None:
            account = operations.create_record(
                instance=account_from_lead(lead),
                acting_user=acting_user,
                now=now,
                many_to_many=links,
            )
        else:
            _take_over(account, lead, ACCOUNT_FROM_LEAD, acting_user, now)
        if contact is None and lead.last_name:
            contact = operations.create_record(
                instance=contact_from_lead(lead),
                acting_user=acting_user,
                now=now,
                many_to_many=links,
            )
        elif contact is not None:
            _take_over(contact, lead, CONTACT_FROM_LEAD, acting_user, now)
        if contact is not None:
            _link_contact(contact, account, lead.position, acting_user, now)
        opportunity = operations.create_record(  # the account opportunity follows (see below)
            instance=Opportunity(
                name=opportunity_name or lead.company_name,
                account=account,
                contact=contact,
                lead=lead,
                owner=lead.owner,
                owner_team=lead.owner_team,
            ),
            acting_user=acting_user,
            now=now,
        )
        for line in lines:
            if line.kind == LineKind.ENERGY and line.malo_id and not line.delivery_point_id:
                line.delivery_point = _delivery_point_for(line, lead, account, acting_user, now)
                LeadLine.objects.filter(pk=line.pk).update(delivery_point=line.delivery_point)
        OpportunityLine.objects.bulk_create(
            OpportunityLine(
                opportunity=opportunity, **{name: getattr(line, name) for name in LINE_FIELDS}
            )
            for line in lines
        )
        points = {line.delivery_point_id for line in lines if line.delivery_point_id}
        unlinked = DeliveryPoint.objects.filter(pk__in=points, account=None)
        for point in _within(unlinked, acting_user, Action.WRITE):
            point.account = account  # with the right to write it, and in its history
            operations.update_record(instance=point, acting_user=acting_user, now=now)
        Lead.objects.filter(pk=lead.pk).update(
            status=Lead.Status.QUALIFIED, account=account, contact=contact, qualified_at=now
        )
        lead.status, lead.account, lead.contact, lead.qualified_at = (
            Lead.Status.QUALIFIED,
            account,
            contact,
            now,
        )
        totals.refresh_opportunity(opportunity)
        operations.record_event(opportunity, "lines", acting_user=acting_user, now=now)
        changelog.log_event(
            instance=lead,
            event="lead_qualified",
            message=_("Qualifiziert: Verkaufschance „%(opportunity)s“ für %(account)s")
            % {"opportunity": str(opportunity)[:100], "account": str(account)[:100]},
            data={
                "account": account.pk,
                "contact": contact.pk if contact else None,
                "opportunity": opportunity.pk,
                "lines": len(lines),
            },
            acting_user=acting_user,
            now=now,
        )
    return opportunity


def disqualify_lead(*, lead: Lead, reason: str, acting_user, now: datetime) -> Lead:
    with transaction.atomic():
        lead = Lead.objects.select_for_update().get(pk=lead.pk)
        operations.require(lead, acting_user, Action.WRITE)
        if lead.status != Lead.Status.OPEN:
            raise ValidationError(
                _("Nur offene Leads lassen sich disqualifizieren; dieser ist %(status)s.")
                % {"status": lead.get_status_display()}
            )
        if not reason.strip():
            raise ValidationError({"reason": _("Bitte einen Grund angeben.")})
        operations.record_event(lead, "disqualified", acting_user=acting_user, now=now)
        Lead.objects.filter(pk=lead.pk).update(
            status=Lead.Status.DISQUALIFIED, disqualified_reason=reason.strip()[:200]
        )
        lead.status, lead.disqualified_reason = Lead.Status.DISQUALIFIED, reason.strip()[:200]
        changelog.log_event(
            instance=lead,
            event="lead_disqualified",
            message=_("Disqualifiziert: %(reason)s") % {"reason": lead.disqualified_reason[:200]},
            acting_user=acting_user,
            now=now,
        )
    return lead


def close_opportunity(
    *, opportunity: Opportunity, won: bool, reason: str = "", acting_user, now: datetime
) -> Opportunity:
    """Won or lost (a loss needs a reason); the account's totals follow at once."""
    with transaction.atomic():
        opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
        operations.require(opportunity, acting_user, Action.WRITE)
        if opportunity.status != Opportunity.Status.OPEN:
            raise ValidationError(
                _("Die Verkaufschance ist bereits %(status)s.")
                % {"status": opportunity.get_status_display()}
            )
        if not won and not reason.strip():
            raise ValidationError({"reason": _("Bitte einen Verlustgrund angeben.")})
        # Those who follow opportunities may refuse (a gate not met), before any write.
        operations.record_event(
            opportunity, "won" if won else "lost", acting_user=acting_user, now=now
        )
        status = Opportunity.Status.WON if won else Opportunity.Status.LOST
        Opportunity.objects.filter(pk=opportunity.pk).update(
            status=status,
            lost_reason="" if won else reason.strip()[:200],
            probability=100 if won else 0,
        )
        opportunity.refresh_from_db()
        totals.refresh_opportunity(opportunity)  # the expected revenue follows the probability
        changelog.log_event(
            instance=opportunity,
            event="opportunity_won" if won else "opportunity_lost",
            message=_("Gewonnen")
            if won
            else _("Verloren: %(reason)s") % {"reason": reason.strip()},
            acting_user=acting_user,
            now=now,
        )
    return opportunity


@operations.after_write(Opportunity)
def _opportunity_written(opportunity: Opportunity, *, stored, deleted: bool, **context) -> None:
    """A created, changed (perhaps moved to another account) or deleted opportunity: its expected
    revenue (the probability may have changed) and the totals of the accounts it belongs and
    belonged to follow."""
    accounts = {opportunity.account_id} | ({stored.account_id} if stored is not None else set())
    current = opportunity.account_opportunity if opportunity.account_opportunity_id else None
    if not deleted and (current is None or current.account_id != opportunity.account_id):
        account = opportunity.account
        account_opportunity, _created = AccountOpportunity.objects.get_or_create(
            account=account, defaults={"owner": account.owner, "owner_team": account.owner_team}
        )
        Opportunity.objects.filter(pk=opportunity.pk).update(
            account_opportunity=account_opportunity
        )
        opportunity.account_opportunity = account_opportunity
    if not deleted:
        totals.refresh_opportunity(opportunity, with_account=False)
    for account in Account.objects.filter(pk__in=accounts):
        totals.refresh_account(account)


@operations.after_write(AccountOpportunity)
def _account_opportunity_written(account_opportunity, *, stored, deleted: bool, **context) -> None:
    """An account opportunity stays with its account; a new one gets its totals at once."""
    if stored is not None and stored.account_id != account_opportunity.account_id:
        raise ValidationError({"account": _("Eine Firmenverkaufschance bleibt bei ihrer Firma.")})
    if not deleted:
        totals.refresh_account(account_opportunity.account)


@operations.after_write(Commodity)
def _commodity_written(commodity, *, stored, deleted: bool, **context) -> None:
    """The totals are kept per commodity code and counted in its kind of year: neither may
    change once lines use the commodity."""
    if stored is None or deleted:
        return
    changed = stored.code != commodity.code or stored.year_kind != commodity.year_kind
    in_use = (
        LeadLine.objects.filter(commodity=commodity).exists()
        or OpportunityLine.objects.filter(commodity=commodity).exists()
    )
    if changed and in_use:
        raise ValidationError(
            {
                "code": _(
                    "Kürzel und Lieferjahr einer Sparte, die in Zeilen vorkommt, bleiben "
                    "unverändert (die Summen hängen daran)."
                )
            }
        )

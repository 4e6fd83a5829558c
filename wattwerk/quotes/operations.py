"""Writes on quotes beyond the generic ones: lines, sending (activate), winning, losing,
cancelling, revising, and the Bindefrist's consequences. Each is one transaction that keeps the
quote's totals, the opportunity and the account opportunity right and writes the history.

What closes what:

- Winning a quote loses the other open quotes of its group ("durch Alternative ersetzt"). When no
  other quote of the opportunity is still open, the opportunity is closed as won with it (its
  process, if it has one, must allow that); the account opportunity's won volume then counts the
  won quotes' lines instead of the opportunity's potential (see ``_won_quote_lines``).
- Losing an opportunity loses its open quotes. Winning it directly is refused while it has sent
  quotes and none of them is won (which one did the customer accept?); otherwise its remaining
  drafts are cancelled and its remaining sent quotes lost.
"""

from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from wattwerk.activities import operations as activity_operations
from wattwerk.activities.models import Activity
from wattwerk.core import changelog, operations, outbox
from wattwerk.core.querysets import Action, field_rights
from wattwerk.energy.periods import Period
from wattwerk.sales import operations as sales_operations
from wattwerk.sales import totals
from wattwerk.sales.models import LineKind, LineSet, Opportunity

from . import documents
from .models import Quote, QuoteGroup, QuoteLine, QuoteLineYear

QUOTE_LINE_FIELDS = [
    field.name
    for field in QuoteLine._meta.get_fields()
    if field.concrete and field.editable and field.name not in ("id", "quote")
]
# What an opportunity's line gives a new quote's line (the price becomes the Arbeitspreis).
FROM_OPPORTUNITY = [name for name in sales_operations.LINE_FIELDS if name != "line_set"]
# What may change on a quote once it is sent: who looks after it, the notes, and its group (an
# alternative may be offered later: the combined quote after the yearly ones).
CHANGEABLE_AFTER_SENDING = {"owner", "owner_team", "note", "group"}
REPLACED_BY_ALTERNATIVE = "durch Alternative ersetzt"
WON_WITH_ANOTHER = "Verkaufschance mit einem anderen Angebot gewonnen"
LOST_WITH_OPPORTUNITY = "Verkaufschance verloren"
# Losses that follow from another decision, not a decision of the customer's own.
AUTOMATIC_LOSSES = (REPLACED_BY_ALTERNATIVE, WON_WITH_ANOTHER)


def _locked(quote: Quote, acting_user, action: str = Action.WRITE) -> Quote:
    """The quote, locked after its opportunity: every writer locks an opportunity before its
    quotes (closing an opportunity does too), so two writers never wait on each other."""
    Opportunity.objects.select_for_update().filter(pk=quote.opportunity_id).first()
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    operations.require(quote, acting_user, action)
    return quote


def _log(quote: Quote, event: str, message: str, acting_user, now, data=None) -> None:
    changelog.log_event(
        instance=quote,
        event=event,
        message=message[:300],
        data=data,
        acting_user=acting_user,
        now=now,
    )


def _check_draft(quote: Quote) -> None:
    if quote.status != Quote.Status.DRAFT:
        raise ValidationError(
            _(
                "Das Angebot %(quote)s ist %(status)s; nur Entwürfe werden geändert. "
                "Für neue Preise oder eine neue Bindefrist eine Revision anlegen."
            )
            % {"quote": quote.reference, "status": quote.get_status_display()}
        )


def _save_line(line: QuoteLine) -> None:
    """Validate and store a line with its quantity, amount and quantities per delivery year."""
    line.full_clean(exclude=["quote"])
    shares = line.compute()
    line.save()
    QuoteLineYear.objects.filter(line=line).delete()
    QuoteLineYear.objects.bulk_create(
        QuoteLineYear(
            line=line,
            quote_id=line.quote_id,
            commodity_id=line.commodity_id,
            balancing_area_id=line.balancing_area_id,
            year=share.label,
            kwh=share.quantity,
        )
        for share in shares
    )


def refresh(quote: Quote) -> None:
    """The quote's sum and quantity over the delivery period, from its lines."""
    sums = quote.lines.aggregate(eur=Sum("amount_eur"), kwh=Sum("period_kwh"))
    values = {"total_eur": sums["eur"] or 0, "total_kwh": sums["kwh"] or 0}
    Quote.objects.filter(pk=quote.pk).update(**values)
    for name, value in values.items():
        setattr(quote, name, value)


def line_data(line: QuoteLine) -> dict:
    return sales_operations.line_data(line, QUOTE_LINE_FIELDS)


def add_line(*, parent: Quote, values: dict, acting_user, now: datetime) -> QuoteLine:
    """A new line on a draft (``parent``: the quote, named as on leads and opportunities)."""
    with transaction.atomic():
        quote = _locked(parent, acting_user)
        _check_draft(quote)
        line = QuoteLine(**values, quote=quote)
        operations.check_secured_writes(line, acting_user, stored=None)
        _save_line(line)
        refresh(quote)
        _log(
            quote,
            "line_added",
            _("Zeile hinzugefügt: %(line)s") % {"line": str(line)[:250]},
            acting_user,
            now,
            line_data(line),
        )
    return line


def change_line(*, line: QuoteLine, values: dict, acting_user, now: datetime) -> QuoteLine:
    with transaction.atomic():
        quote = _locked(line.quote, acting_user)
        _check_draft(quote)
        # Read again under the quote's lock: what the caller read may be outdated.
        stored = QuoteLine.objects.get(pk=line.pk)
        line = QuoteLine.objects.get(pk=line.pk)
        before = line_data(stored)
        for name, value in values.items():
            setattr(line, name, value)
        operations.check_secured_writes(line, acting_user, stored=stored)
        _save_line(line)
        refresh(quote)
        changes = sales_operations.line_changes(before, line_data(line))
        if changes:
            _log(
                quote,
                "line_changed",
                _("Zeile geändert: %(line)s") % {"line": str(line)[:250]},
                acting_user,
                now,
                changes,
            )
    return line


def remove_line(*, line: QuoteLine, acting_user, now: datetime) -> None:
    with transaction.atomic():
        quote = _locked(line.quote, acting_user)
        _check_draft(quote)
        data, shown = line_data(line), str(line)
        line.delete()
        refresh(quote)
        _log(
            quote,
            "line_removed",
            _("Zeile entfernt: %(line)s") % {"line": shown[:250]},
            acting_user,
            now,
            data,
        )


def _within_period(values: dict, period: Period | None) -> dict | None:
    """An opportunity line's values for a quote over ``period``: its delivery period cut to
    the quote's; None when they do not overlap."""
    if period is None or values["kind"] != LineKind.ENERGY:
        return values
    start, end = values.get("active_from"), values.get("active_to")
    if start is None or end is None:
        return {**values, "active_from": period.active_from, "active_to": period.active_to}
    start, end = max(start, period.active_from), min(end, period.active_to)
    if end <= start:
        return None
    return {**values, "active_from": start, "active_to": end}


def create_quote(
    *,
    quote: Quote,
    acting_user,
    now: datetime,
    take_lines: bool = True,
    period: Period | None = None,
    alternative_to: Quote | None = None,
) -> Quote:
    """A new draft for an opportunity, with the opportunity's potential lines (cut to
    ``period`` if given), as an alternative to another quote when ``alternative_to`` names
    one (both then share a quote group). Without a contact, the opportunity's is taken."""
    with transaction.atomic():
        if quote.contact_id is None and quote.opportunity.contact_id:
            quote.contact = quote.opportunity.contact
        if alternative_to is not None:
            alternative_to = _locked(alternative_to, acting_user, Action.READ)
            if alternative_to.opportunity_id != quote.opportunity_id:
                raise ValidationError(
                    {"alternative_to": _("Alternativen gehören zu derselben Verkaufschance.")}
                )
            if not alternative_to.is_open:
                raise ValidationError(
                    {
                        "alternative_to": _(
                            "%(quote)s ist %(status)s; Alternativen gibt es nur zu offenen "
                            "Angeboten."
                        )
                        % {
                            "quote": alternative_to.reference,
                            "status": alternative_to.get_status_display(),
                        }
                    }
                )
            if alternative_to.group_id is None:
                group = QuoteGroup.objects.create(
                    opportunity_id=quote.opportunity_id,
                    name=_("Alternativen zu %(quote)s") % {"quote": alternative_to.reference},
                )
                alternative_to.group = group
                operations.update_record(instance=alternative_to, acting_user=acting_user, now=now)
            quote.group_id = alternative_to.group_id
        operations.create_record(instance=quote, acting_user=acting_user, now=now)
        if take_lines:
            # A price reaches a quote only from someone who may write it (or from an earlier
            # revision): without, the potential's price is left for the Preisbildung to set.
            rights = field_rights(acting_user, QuoteLine)
            taken = [name for name in FROM_OPPORTUNITY if rights.may_write(name)]
            source = quote.opportunity.lines.filter(line_set=LineSet.POTENTIAL).order_by("pk")
            for opportunity_line in source:
                values = {name: getattr(opportunity_line, name) for name in taken}
                values = _within_period(values, period)
                if values is not None:
                    _save_line(QuoteLine(**values, quote=quote))
            refresh(quote)
    return quote


def quote_from_opportunity(
    *,
    opportunity: Opportunity,
    name: str,
    acting_user,
    now: datetime,
    delivery_from=None,
    delivery_to=None,
    binding_until=None,
    indicative: bool = False,
    alternative_to: Quote | None = None,
    take_lines: bool = True,
) -> Quote:
    """A new draft for an opportunity from its potential — for the delivery period from
    ``delivery_from`` to ``delivery_to`` (exclusive) when given, both or neither."""
    if bool(delivery_from) != bool(delivery_to):
        missing = "delivery_to" if delivery_from else "delivery_from"
        raise ValidationError({missing: _("Ein Lieferzeitraum hat Beginn und Ende.")})
    if delivery_from and delivery_to <= delivery_from:
        raise ValidationError(
            {"delivery_to": _("Das Lieferende muss nach dem Lieferbeginn liegen.")}
        )
    return create_quote(
        quote=Quote(
            name=name,
            opportunity=opportunity,
            binding_until=binding_until,
            indicative=indicative,
        ),
        take_lines=take_lines,
        period=Period(delivery_from, delivery_to) if delivery_from else None,
        alternative_to=alternative_to,
        acting_user=acting_user,
        now=now,
    )


def activate_quote(*, quote: Quote, acting_user, now: datetime) -> Quote:
    """Send a draft: it becomes active (binding until its Bindefrist)."""
    with transaction.atomic():
        quote = _locked(quote, acting_user)
        if quote.status != Quote.Status.DRAFT:
            raise ValidationError(
                _("Nur Entwürfe werden abgegeben; %(quote)s ist %(status)s.")
                % {"quote": quote.reference, "status": quote.get_status_display()}
            )
        errors = {}
        if not quote.lines.exists():
            errors["lines"] = _("Ein Angebot ohne Zeilen wird nicht abgegeben.")
        if quote.binding_until is None and not quote.indicative:
            errors["binding_until"] = _("Ein verbindliches Angebot braucht eine Bindefrist.")
        elif quote.binding_until is not None and quote.binding_until <= now:
            errors["binding_until"] = _("Die Bindefrist liegt in der Vergangenheit.")
        if quote.opportunity.status != Opportunity.Status.OPEN:
            errors["opportunity"] = _("Die Verkaufschance ist bereits abgeschlossen.")
        if errors:
            raise ValidationError(errors)
        Quote.objects.filter(pk=quote.pk).update(status=Quote.Status.ACTIVE, sent_at=now)
        quote.status, quote.sent_at = Quote.Status.ACTIVE, now
        _log(quote, "quote_sent", _("Abgegeben"), acting_user, now)
    return quote


def _close(quote: Quote, status: str, reason: str, event: str, message: str, acting_user, now):
    Quote.objects.filter(pk=quote.pk).update(
        status=status, lost_reason=reason, decided_at=now, updated_at=now
    )
    quote.status, quote.lost_reason, quote.decided_at = status, reason, now
    _log(quote, event, message, acting_user, now)


def _lose(quote: Quote, reason: str, acting_user, now) -> None:
    _close(
        quote,
        Quote.Status.LOST,
        reason[:200],
        "quote_lost",
        _("Verloren: %(reason)s") % {"reason": reason},
        acting_user,
        now,
    )


def win_quote(*, quote: Quote, acting_user, now: datetime) -> Quote:
    """The customer accepted the quote. Refused for anything but a sent quote within its
    Bindefrist."""
    with transaction.atomic():
        quote = _locked(quote, acting_user)
        opportunity = Opportunity.objects.get(pk=quote.opportunity_id)  # locked by _locked
        if quote.is_past_binding(now) or quote.status == Quote.Status.EXPIRED:
            raise ValidationError(
                _(
                    "Die Bindefrist von %(quote)s ist am %(moment)s abgelaufen; ein abgelaufenes "
                    "Angebot kann nicht gewonnen werden. Bitte eine Revision mit neuer "
                    "Bindefrist anlegen."
                )
                % {"quote": quote.reference, "moment": documents.moment(quote.binding_until)}
            )
        if quote.status != Quote.Status.ACTIVE:
            raise ValidationError(
                _("Nur abgegebene Angebote werden gewonnen; %(quote)s ist %(status)s.")
                % {"quote": quote.reference, "status": quote.get_status_display()}
            )
        if opportunity.status == Opportunity.Status.LOST:
            raise ValidationError(_("Die Verkaufschance ist verloren."))
        _refuse_if_group_won(quote)
        _close(quote, Quote.Status.WON, "", "quote_won", _("Gewonnen"), acting_user, now)
        if quote.group_id:
            siblings = Quote.objects.filter(group_id=quote.group_id).exclude(pk=quote.pk)
            for sibling in siblings.open(now).select_for_update():
                if sibling.status == Quote.Status.DRAFT:
                    _cancel(sibling, acting_user, now)  # never offered, so never lost
                else:
                    _lose(sibling, REPLACED_BY_ALTERNATIVE, acting_user, now)
        # Sent binding quotes outside the group still await the customer; drafts and price
        # indications do not hold the opportunity open (closing cancels or loses them).
        others_open = (
            opportunity.quotes.in_state(Quote.Status.ACTIVE, now=now)
            .filter(indicative=False)
            .exclude(pk=quote.pk)
            .exists()
        )
        if opportunity.status == Opportunity.Status.OPEN and not others_open:
            sales_operations.close_opportunity(
                opportunity=opportunity, won=True, acting_user=acting_user, now=now
            )
        else:
            totals.refresh_account(opportunity.account)
    return quote


def lose_quote(*, quote: Quote, reason: str, acting_user, now: datetime) -> Quote:
    with transaction.atomic():
        quote = _locked(quote, acting_user)
        if not reason.strip():
            raise ValidationError({"reason": _("Bitte einen Verlustgrund angeben.")})
        if quote.status not in (Quote.Status.ACTIVE, Quote.Status.EXPIRED):
            raise ValidationError(
                _("Nur abgegebene Angebote gehen verloren; %(quote)s ist %(status)s.")
                % {"quote": quote.reference, "status": quote.get_status_display()}
            )
        _lose(quote, reason.strip(), acting_user, now)
    return quote


def cancel_quote(*, quote: Quote, acting_user, now: datetime) -> Quote:
    """Withdraw a draft or a sent quote."""
    with transaction.atomic():
        quote = _locked(quote, acting_user)
        if quote.status not in Quote.OPEN:
            raise ValidationError(
                _("Nur offene Angebote werden storniert; %(quote)s ist %(status)s.")
                % {"quote": quote.reference, "status": quote.get_status_display()}
            )
        _cancel(quote, acting_user, now)
    return quote


def _cancel(quote: Quote, acting_user, now) -> None:
    _close(quote, Quote.Status.CANCELLED, "", "quote_cancelled", _("Storniert"), acting_user, now)


REVISABLE = (Quote.Status.ACTIVE, Quote.Status.EXPIRED, Quote.Status.LOST)


def _refuse_if_group_won(quote: Quote) -> None:
    """At most one quote of a group is won."""
    if quote.group_id is None:
        return
    won = Quote.objects.filter(group_id=quote.group_id, status=Quote.Status.WON)
    won = won.exclude(pk=quote.pk).first()
    if won is not None:
        raise ValidationError(
            _("Aus dieser Angebotsgruppe ist schon %(quote)s gewonnen.") % {"quote": won.reference}
        )


def revise_quote(*, quote: Quote, acting_user, now: datetime) -> Quote:
    """A new draft revision under the same number with every line copied; the quote revised
    becomes "überarbeitet"."""
    with transaction.atomic():
        quote = _locked(quote, acting_user)
        if quote.status not in REVISABLE:
            raise ValidationError(
                _(
                    "Abgegebene, abgelaufene oder verlorene Angebote werden überarbeitet; "
                    "%(quote)s ist %(status)s."
                )
                % {"quote": quote.reference, "status": quote.get_status_display()}
            )
        if quote.opportunity.status != Opportunity.Status.OPEN:
            raise ValidationError(_("Die Verkaufschance ist bereits abgeschlossen."))
        _refuse_if_group_won(quote)
        latest = Quote.objects.filter(number=quote.number).order_by("-revision").first()
        if latest.pk != quote.pk:
            raise ValidationError(
                _("Es gibt schon eine neuere Revision: %(quote)s.") % {"quote": latest.reference}
            )
        lines = list(quote.lines.order_by("pk"))
        fields = {
            name: getattr(quote, name)
            for name in (
                "name",
                "opportunity",
                "contact",
                "binding_until",
                "indicative",
                "group",
                "payment_terms",
                "note",
                "owner",
                "owner_team",
            )
        }
        if fields["binding_until"] is not None and fields["binding_until"] <= now:
            fields["binding_until"] = None  # a new Bindefrist is given before sending
        _close(
            quote,
            Quote.Status.REVISED,
            quote.lost_reason,
            "quote_revised",
            _("Überarbeitet: Revision %(revision)d angelegt") % {"revision": quote.revision + 1},
            acting_user,
            now,
        )
        revision = Quote(**fields, number=quote.number, revision=quote.revision + 1)
        operations.create_record(instance=revision, acting_user=acting_user, now=now)
        for line in lines:
            values = {name: getattr(line, name) for name in QUOTE_LINE_FIELDS}
            _save_line(QuoteLine(**values, quote=revision))
        refresh(revision)
    return revision


def send_quote(*, quote: Quote, acting_user, now: datetime, recipient: str = "") -> Quote:
    """Send the quote's PDF to its contact (or ``recipient``) through the outbox, and note it
    as a completed e-mail activity on the quote. A draft is given (activated) on the way."""
    documents.check_readable(acting_user)  # it could go to the sender's own address
    # Rendered before the transaction: no lock is held while WeasyPrint works (about a second).
    pdf = (documents.filename(quote), documents.render_pdf(quote, now), documents.PDF)
    with transaction.atomic():
        quote = _locked(quote, acting_user)
        to = recipient.strip() or (quote.contact.email if quote.contact_id else "")
        if not to:
            raise ValidationError(
                {
                    "recipient": _(
                        "Der Ansprechpartner hat keine E-Mail-Adresse; bitte eine angeben."
                    )
                }
            )
        if quote.status == Quote.Status.DRAFT:
            quote = activate_quote(quote=quote, acting_user=acting_user, now=now)
        elif quote.status != Quote.Status.ACTIVE:
            raise ValidationError(
                _("Nur abgegebene Angebote werden versandt; %(quote)s ist %(status)s.")
                % {"quote": quote.reference, "status": quote.get_status_display()}
            )
        subject = _("Ihr Angebot %(quote)s") % {"quote": quote}
        outbox.queue_email(
            recipients=[to],
            subject=subject,
            body=_(
                "Guten Tag,\n\nanbei erhalten Sie unser Angebot %(quote)s. Die Preise gelten bis "
                "%(moment)s.\n\nMit freundlichen Grüßen\n%(supplier)s"
            )
            % {
                "quote": quote.reference,
                "moment": documents.moment(quote.binding_until),
                "supplier": settings.SUPPLIER["name"],
            },
            attachments=[pdf],
            now=now,
        )
        activity = operations.create_record(
            instance=Activity(
                kind=Activity.Kind.EMAIL,
                subject=subject[:200],
                description=_("An %(to)s, mit %(file)s") % {"to": to, "file": pdf[0]},
                regarding_type=ContentType.objects.get_for_model(Quote),
                regarding_id=quote.pk,
                start=now,
                due=now,
                owner=quote.owner if quote.owner_id else None,
                owner_team=quote.owner_team if quote.owner_team_id else None,
            ),
            acting_user=acting_user,
            now=now,
            many_to_many={"contacts": [quote.contact] if quote.contact_id else []},
        )
        activity_operations.complete_activity(activity=activity, acting_user=acting_user, now=now)
        _log(
            quote,
            "quote_emailed",
            _("Per E-Mail versandt an %(to)s") % {"to": to},
            acting_user,
            now,
        )
    return quote


def expire_due(*, now: datetime) -> int:
    """Persist what reading already shows: sent quotes past their Bindefrist become expired,
    with a history entry, and their owners are told (once: the status changes once).
    Idempotent."""
    expired = 0
    due = Quote.objects.filter(status=Quote.Status.ACTIVE, binding_until__lt=now)
    for pk in due.values_list("pk", flat=True).order_by("pk"):
        with transaction.atomic():
            updated = Quote.objects.filter(
                pk=pk, status=Quote.Status.ACTIVE, binding_until__lt=now
            ).update(status=Quote.Status.EXPIRED)
            if updated:
                quote = Quote.objects.select_related("owner", "owner_team", "account").get(pk=pk)
                _log(
                    quote,
                    "quote_expired",
                    _("Bindefrist abgelaufen (%(moment)s)")
                    % {"moment": documents.moment(quote.binding_until)},
                    None,
                    now,
                )
                _tell_owner(
                    quote,
                    _("Bindefrist abgelaufen: %(quote)s") % {"quote": quote},
                    _(
                        "Die Bindefrist des Angebots %(quote)s für %(account)s ist am %(moment)s "
                        "abgelaufen; es kann nicht mehr gewonnen, aber überarbeitet werden."
                    )
                    % {
                        "quote": quote,
                        "account": quote.account,
                        "moment": documents.moment(quote.binding_until),
                    },
                    now,
                )
                expired += 1
    return expired


def owner_emails(quote: Quote) -> list[str]:
    """Who looks after the quote: its owner, or the members of its owning team."""
    people = [quote.owner] if quote.owner_id else list(quote.owner_team.members.all())
    return sorted({person.email for person in people if person.is_active and person.email})


def _tell_owner(quote: Quote, subject: str, body: str, now) -> None:
    recipients = owner_emails(quote)
    if recipients:
        url = settings.SITE_URL + quote.get_absolute_url()
        outbox.queue_email(recipients=recipients, subject=subject, body=f"{body}\n\n{url}", now=now)


def warning_lead() -> timedelta:
    return timedelta(hours=settings.QUOTE_EXPIRY_WARNING_HOURS)


def warn_expiring(*, now: datetime) -> int:
    """Tell each owner once that a sent quote's Bindefrist ends within the warning time."""
    warned = 0
    due = Quote.objects.filter(
        status=Quote.Status.ACTIVE,
        binding_until__gte=now,
        binding_until__lte=now + warning_lead(),
        expiry_warned_at__isnull=True,
    )
    for pk in due.values_list("pk", flat=True).order_by("pk"):
        with transaction.atomic():
            claimed = Quote.objects.filter(pk=pk, expiry_warned_at__isnull=True).update(
                expiry_warned_at=now
            )
            if not claimed:
                continue  # another worker warned first
            quote = Quote.objects.select_related("owner", "owner_team", "account").get(pk=pk)
            _tell_owner(
                quote,
                _("Bindefrist endet bald: %(quote)s") % {"quote": quote},
                _("Die Bindefrist des Angebots %(quote)s für %(account)s endet am %(moment)s.")
                % {
                    "quote": quote,
                    "account": quote.account,
                    "moment": documents.moment(quote.binding_until),
                },
                now,
            )
            warned += 1
    return warned


@operations.after_write(Quote)
def _quote_written(quote: Quote, *, stored, deleted: bool, **context) -> None:
    """A new quote belongs to an open opportunity and stays with it; a sent one changes only by
    revising; only drafts are deleted (a quote the customer received stays on record)."""
    if deleted:
        if quote.status != Quote.Status.DRAFT:
            raise operations.UnableToDeleteRecord(
                quote,
                [],
                _(
                    "Nur Entwürfe werden gelöscht; %(quote)s ist %(status)s (stornieren "
                    "statt löschen)."
                )
                % {"quote": quote.reference, "status": quote.get_status_display()},
            )
        return
    if stored is None:
        opportunity = Opportunity.objects.select_for_update().filter(pk=quote.opportunity_id)
        if not opportunity.filter(status=Opportunity.Status.OPEN).exists():
            raise ValidationError(
                {"opportunity": _("Die Verkaufschance ist bereits abgeschlossen.")}
            )
        return
    if stored.opportunity_id != quote.opportunity_id:
        raise ValidationError({"opportunity": _("Ein Angebot bleibt bei seiner Verkaufschance.")})
    if stored.status == Quote.Status.DRAFT:
        return
    changeable = CHANGEABLE_AFTER_SENDING
    if stored.status != Quote.Status.ACTIVE:
        changeable = changeable - {"group"}  # a decided quote stays in its group
    changed = [
        field.verbose_name
        for field in Quote._meta.concrete_fields
        if field.editable
        and field.name not in changeable
        and getattr(stored, field.attname) != getattr(quote, field.attname)
    ]
    if changed:
        raise ValidationError(
            _(
                "Das Angebot %(quote)s ist %(status)s; %(fields)s ändern sich nur mit einer "
                "neuen Revision."
            )
            % {
                "quote": stored.reference,
                "status": stored.get_status_display(),
                "fields": ", ".join(str(name) for name in changed),
            }
        )


@operations.after_write(Opportunity)
def _opportunity_moved(opportunity: Opportunity, *, stored, deleted: bool, **context) -> None:
    """An opportunity moved to another account takes its quotes along."""
    if stored is not None and not deleted and stored.account_id != opportunity.account_id:
        Quote.objects.filter(opportunity=opportunity).update(account=opportunity.account_id)


@operations.after_event(Opportunity)
def _opportunity_closing(opportunity: Opportunity, *, event: str, acting_user, now) -> None:
    """The opportunity's open quotes follow its end, none left dangling."""
    if event not in ("won", "lost"):
        return
    quotes = opportunity.quotes.select_for_update()
    open_quotes = list(quotes.open(now).order_by("pk"))
    if event == "lost":
        for quote in open_quotes:
            if quote.status == Quote.Status.DRAFT:
                _cancel(quote, acting_user, now)
            else:
                _lose(quote, LOST_WITH_OPPORTUNITY, acting_user, now)
        return
    sent = [q for q in open_quotes if q.status == Quote.Status.ACTIVE and not q.indicative]
    if sent and not quotes.filter(status=Quote.Status.WON).exists():
        raise ValidationError(
            _(
                "Die Verkaufschance hat abgegebene Angebote (%(quotes)s). Bitte das angenommene "
                "Angebot als gewonnen markieren; die Verkaufschance folgt."
            )
            % {"quotes": ", ".join(quote.reference for quote in sent)}
        )
    for quote in open_quotes:
        if quote.status == Quote.Status.DRAFT:
            _cancel(quote, acting_user, now)
        else:
            _lose(quote, WON_WITH_ANOTHER, acting_user, now)


@totals.won_lines_from
def _won_quote_lines(account) -> dict:
    """What an account's opportunities sold by quote: the lines of their won quotes — for a won
    opportunity, and for one still open while other quotes of it await the customer."""
    sold = defaultdict(list)
    lines = QuoteLine.objects.filter(
        quote__opportunity__account=account,
        quote__status=Quote.Status.WON,
        quote__opportunity__status__in=(Opportunity.Status.OPEN, Opportunity.Status.WON),
    ).select_related("commodity", "quote")
    for line in lines:
        sold[line.quote.opportunity_id].append(line)
    return sold

"""Reading sales records: what a lead may duplicate among the customers."""

from wattwerk.customers import queries

from .models import Lead


def duplicate_suggestions(*, lead: Lead, user) -> tuple[list, list]:
    """(accounts, contacts) the user may read that may be the lead's company and person."""
    accounts = queries.similar_accounts(
        user,
        name=lead.company_name,
        vat_id=lead.vat_id,
        street=lead.street,
        postcode=lead.postcode,
        city=lead.city,
        legal_form=lead.legal_form,
    )
    contacts = []
    if lead.last_name:
        contacts = queries.similar_contacts(
            user,
            last_name=lead.last_name,
            first_name=lead.first_name,
            email=lead.email,
            phone=lead.phone,
            account=accounts[0].record if accounts else None,
        )
    return accounts, contacts

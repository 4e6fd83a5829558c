"""Reading customers: duplicate suggestions with German-aware matching.

A name is compared as a sales person reads it: case, umlauts (ä = ae), ß = ss, punctuation and
the legal form ("GmbH", "GmbH & Co. KG", "e. K.", …) do not matter; word order barely does. A VAT
ID that matches is a certain duplicate; the same address (street spelt "Str." or "Straße",
house number) or postcode makes a similar name more likely, a different legal form less.

A contact is the same person when the e-mail address matches; otherwise by name (first names
compared loosely: "Hans-Jürgen" finds "Hans Jürgen", "H." finds "Hans"), and more likely with the
same phone number or at the account in question.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.db.models import Model, Q
from django.utils.translation import gettext_lazy as _

from wattwerk.core.querysets import Action

from .models import Account, Contact, LegalForm

UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
SPELT_OUT = re.compile(r"(ae|oe|ue)")
WITH_UMLAUT = {"ae": "ä", "oe": "ö", "ue": "ü"}
LEGAL_FORM_WORDS = re.compile(
    r"\b(gmbh|mbh|ag|se|kg|ohg|ug|haftungsbeschraenkt|gbr|e\s*k|eg|e\s*v|aoer|kdoer|"
    r"co|und|ggmbh|kgaa|ltd|inc|sa|sarl|bv|nv)\b"
)
STREET_SHORT = {"str": "strasse", "pl": "platz"}
# Words that many company names share: they count only when nothing else is left.
GENERIC_WORDS = {
    "stadtwerke",
    "stadtwerk",
    "gemeindewerke",
    "werke",
    "energie",
    "energieversorgung",
    "versorgung",
    "netz",
    "netze",
    "holding",
    "gruppe",
    "service",
    "deutschland",
}
CANDIDATES = 200
SUGGESTIONS = 5
THRESHOLD = 0.6
REASONS = {
    "name": _("ähnlicher Name"),
    "vat_id": _("gleiche USt-IdNr."),
    "address": _("gleiche Anschrift"),
    "postcode": _("gleiche PLZ"),
    "city": _("gleicher Ort"),
    "legal_form": _("andere Rechtsform"),
    "email": _("gleiche E-Mail-Adresse"),
    "phone": _("gleiche Telefonnummer"),
    "account": _("bei derselben Firma"),
}


def _plain(text: str) -> str:
    text = text.lower().translate(UMLAUTS)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9 ]+", " ", text)


def normalise_name(name: str) -> str:
    """``"Müller & Söhne GmbH & Co. KG"`` → ``"mueller soehne"``."""
    return " ".join(LEGAL_FORM_WORDS.sub(" ", _plain(name)).split())


def normalise_street(street: str) -> str:
    """``"Hafenstr. 4a"``, ``"Hafen-Straße 4 A"``, ``"Hafenstrasse 4a"`` → ``"hafenstrasse4a"``."""
    text = _plain(street).replace(" ", "")
    return re.sub(r"(str|pl)(?=\d|$)", lambda match: STREET_SHORT[match.group(1)], text)


def _distinctive(words: set[str]) -> set[str]:
    return (words - GENERIC_WORDS) or words


def _close(a: str, b: str) -> bool:
    """The same word, or one typo apart in a longer word ("Hopfen", "Hopffen")."""
    return a == b or (min(len(a), len(b)) >= 5 and SequenceMatcher(None, a, b).ratio() >= 0.85)


def _similarity(a: str, b: str) -> float:
    """How alike two normalised names are (0 … 1): the share of their distinctive words that
    match, in any order — "Stadtwerke Nordstadt" and "Stadtwerke Südstadt" share none."""
    if not a or not b:
        return 0.0
    words_a, words_b = _distinctive(set(a.split())), _distinctive(set(b.split()))
    matched = sum(1 for word in words_a if any(_close(word, other) for other in words_b))
    return 2 * matched / (len(words_a) + len(words_b))


@dataclass
class Suggestion:
    record: Model  # an Account or a Contact
    score: float  # 0 … 1
    reasons: list[str] = field(default_factory=list)

    @property
    def account(self) -> Model:
        return self.record

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASONS[reason]) for reason in self.reasons]


def _best(suggestions: list[Suggestion]) -> list[Suggestion]:
    found = [suggestion for suggestion in suggestions if suggestion.score >= THRESHOLD]
    found.sort(key=lambda suggestion: (-suggestion.score, str(suggestion.record)))
    return found[:SUGGESTIONS]


def _spellings(word: str) -> set[str]:
    """The ways a normalised word may be stored: "mueller", "müller", "Müller", "MÜLLER";
    "strasse", "straße" (SQLite compares letters beyond ASCII case-sensitively, hence the
    capitals)."""
    umlauts = SPELT_OUT.sub(lambda match: WITH_UMLAUT[match.group(1)], word)
    written = {word, umlauts, umlauts.replace("ss", "ß")}
    return written | {spelling.capitalize() for spelling in written} | {umlauts.upper()}


def _name_query(name: str, field_name: str) -> Q:
    """Candidates sharing the start of one of the name's two longest distinctive words, in any
    of its spellings."""
    words = sorted(_distinctive(set(normalise_name(name).split())), key=len, reverse=True)[:2]
    query = Q()
    for word in words:
        for spelling in _spellings(word[:6]) if len(word) >= 3 else ():
            query |= Q(**{f"{field_name}__icontains": spelling})
    return query


def _candidates(queryset, tiers: list[Q]) -> list:
    """Up to CANDIDATES records, the surest kind first (a VAT ID or e-mail match, then a similar
    name, then the same postcode): many accounts in one postcode must not crowd out the one
    with the same name. One query per tier."""
    found: list = []
    for tier in tiers:
        if len(found) >= CANDIDATES or not tier:
            continue
        found += list(
            queryset.filter(tier)
            .exclude(pk__in=[record.pk for record in found])
            .order_by("pk")[: CANDIDATES - len(found)]
        )
    return found


def similar_accounts(
    user,
    *,
    name: str,
    vat_id: str = "",
    street: str = "",
    postcode: str = "",
    city: str = "",
    legal_form: str = "",
) -> list[Suggestion]:
    """Accounts the user may read that may be the company described, best first."""
    candidates = _candidates(
        Account.objects.restrict(user, Action.READ),
        [
            Q(vat_id=vat_id) if vat_id else Q(),
            _name_query(name, "name"),
            Q(postcode=postcode) if postcode else Q(),
        ],
    )
    wanted, address = normalise_name(name), normalise_street(street)
    suggestions = []
    for account in candidates:
        reasons, score = [], _similarity(wanted, normalise_name(account.name))
        if score >= THRESHOLD:
            reasons.append("name")
        if score >= 0.4:
            same_place = postcode and account.postcode == postcode
            if address and normalise_street(account.street) == address and same_place:
                score, reasons = min(1.0, score + 0.3), [*reasons, "address"]
            elif same_place:
                score, reasons = min(1.0, score + 0.2), [*reasons, "postcode"]
            elif city and account.city.lower() == city.lower():
                score, reasons = min(1.0, score + 0.1), [*reasons, "city"]
            if legal_form and account.legal_form and account.legal_form != legal_form:
                score, reasons = score - 0.15, [*reasons, "legal_form"]
        if vat_id and account.vat_id == vat_id:
            score, reasons = 1.0, [*reasons, "vat_id"]
        suggestions.append(Suggestion(account, round(max(score, 0.0), 2), reasons))
    return _best(suggestions)


def _first_names_match(a: str, b: str) -> bool:
    """Loosely: "Hans-Jürgen" ~ "Hans Jürgen", "H." ~ "Hans"; a missing first name matches."""
    a, b = _plain(a).split(), _plain(b).split()
    if not a or not b:
        return True
    if len(a[0]) == 1 or len(b[0]) == 1:
        return a[0][0] == b[0][0]
    return a == b or SequenceMatcher(None, " ".join(a), " ".join(b)).ratio() >= 0.8


def similar_contacts(
    user,
    *,
    last_name: str,
    first_name: str = "",
    email: str = "",
    phone: str = "",
    account: Account | None = None,
) -> list[Suggestion]:
    """Contacts the user may read that may be the person described, best first."""
    phone = Contact._meta.get_field("phone").to_python(phone)  # as stored: +49 30 1234567
    reached = Q(email__iexact=email) if email else Q()
    if phone:
        reached |= Q(phone=phone) | Q(mobile=phone)
    candidates = _candidates(
        Contact.objects.restrict(user, Action.READ).prefetch_related("accounts"),
        [reached, _name_query(last_name, "last_name") if len(last_name.strip()) >= 2 else Q()],
    )
    wanted = _plain(last_name).split()
    suggestions = []
    for contact in candidates:
        reasons, score = [], 0.0
        if wanted and _first_names_match(first_name, contact.first_name):
            score = _similarity(" ".join(wanted), " ".join(_plain(contact.last_name).split()))
            if score >= THRESHOLD:
                reasons.append("name")
        if phone and phone in (contact.phone, contact.mobile):
            score, reasons = min(1.0, score + 0.3), [*reasons, "phone"]
        if account is not None and account in contact.accounts.all() and score >= 0.4:
            score, reasons = min(1.0, score + 0.2), [*reasons, "account"]
        if email and contact.email.lower() == email.lower():
            score, reasons = 1.0, [*reasons, "email"]
        suggestions.append(Suggestion(contact, round(score, 2), reasons))
    return _best(suggestions)


__all__ = [
    "LegalForm",
    "Suggestion",
    "normalise_name",
    "normalise_street",
    "similar_accounts",
    "similar_contacts",
]

"""Reading customers: duplicate suggestions with German-aware matching.

A name is compared as a sales person reads it: case, umlauts (ä = ae), ß = ss, punctuation and
the legal form ("GmbH", "GmbH & Co. KG", "e. K.", …) do not matter; word order barely does. A VAT
ID that matches is a certain duplicate; the same postcode makes a similar name more likely.
"""

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.db.models import Q

from wattwerk.core.querysets import Action

from .models import Account, LegalForm

UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
LEGAL_FORM_WORDS = re.compile(
    r"\b(gmbh|mbh|ag|se|kg|ohg|ug|haftungsbeschraenkt|gbr|e\s*k|eg|e\s*v|aoer|kdoer|"
    r"co|und|ggmbh|kgaa|ltd|inc|sa|sarl|bv|nv)\b"
)
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


def normalise_name(name: str) -> str:
    """``"Müller & Söhne GmbH & Co. KG"`` → ``"mueller soehne"``."""
    text = name.lower().translate(UMLAUTS)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    text = LEGAL_FORM_WORDS.sub(" ", text)
    return " ".join(text.split())


def _distinctive(words: set[str]) -> set[str]:
    return (words - GENERIC_WORDS) or words


def _similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    words_a, words_b = _distinctive(set(a.split())), _distinctive(set(b.split()))
    overlap = len(words_a & words_b) / max(len(words_a | words_b), 1)
    ordered = SequenceMatcher(None, " ".join(sorted(words_a)), " ".join(sorted(words_b))).ratio()
    return max(overlap, ordered)


@dataclass
class Suggestion:
    account: Account
    score: float  # 0 … 1
    reasons: list[str]


def similar_accounts(
    user, *, name: str, vat_id: str = "", postcode: str = "", city: str = ""
) -> list[Suggestion]:
    """Accounts the user may read that may be the company described, best first."""
    wanted = normalise_name(name)
    words = sorted(_distinctive(set(wanted.split())), key=len, reverse=True)
    typed = sorted(
        (word.strip(".,;:()&-") for word in name.split()), key=len, reverse=True
    )  # as typed, umlauts and all: "Müller" must find "Müller" as well as "Mueller"
    query = Q()
    for word in [*words[:2], *typed[:2]]:
        if len(word) >= 3:
            query |= Q(name__icontains=word[:6])
    if vat_id:
        query |= Q(vat_id=vat_id)
    if postcode:
        query |= Q(postcode=postcode)
    if not query:
        return []
    candidates = (
        Account.objects.restrict(user, Action.READ).filter(query).order_by("pk")[:CANDIDATES]
    )
    suggestions = []
    for account in candidates:
        reasons, score = [], _similarity(wanted, normalise_name(account.name))
        if score >= 0.6:
            reasons.append("name")
        if vat_id and account.vat_id == vat_id:
            score, reasons = 1.0, [*reasons, "vat_id"]
        if postcode and account.postcode == postcode and score >= 0.4:
            score, reasons = min(1.0, score + 0.2), [*reasons, "postcode"]
        elif city and account.city.lower() == city.lower() and score >= 0.4:
            score, reasons = min(1.0, score + 0.1), [*reasons, "city"]
        if score >= 0.6:
            suggestions.append(Suggestion(account, round(score, 2), reasons))
    suggestions.sort(key=lambda suggestion: (-suggestion.score, suggestion.account.name))
    return suggestions[:SUGGESTIONS]


__all__ = ["LegalForm", "Suggestion", "normalise_name", "similar_accounts"]

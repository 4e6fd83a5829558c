"""The chain templates Wattwerk ships: a tender (Ausschreibung) planned back from its submission
deadline, and the follow-up of a quote planned forward.

Loaded by migration ``activities.0003`` and again, idempotently, by the demo loader and the
command ``wattwerk load_reference_data``: a template that exists already is left as it is (its
departments are the organisation's to choose).
"""

from django.apps import apps as django_apps

# (name, anchor, description, [(key, kind, subject, working days, predecessors)])
TEMPLATES = [
    (
        "Ausschreibung",
        "backward",
        "Von der Ausschreibung bis zur Abgabe des Angebots, rückwärts geplant ab der Abgabefrist.",
        [
            ("lastgang", "task", "Lastgang und Verbrauchsdaten beschaffen", 2, ()),
            ("preiskalkulation", "task", "Preiskalkulation (Preisbildung)", 3, ("lastgang",)),
            (
                "bonitaet",
                "task",
                "Bonitäts- und Sicherheitenprüfung (Kreditmanagement)",
                1,
                ("preiskalkulation",),
            ),
            ("freigabe", "task", "Freigabe Vertriebsleitung", 1, ("bonitaet",)),
            ("angebot", "task", "Angebot abgeben", 1, ("freigabe",)),
        ],
    ),
    (
        "Angebotsnachverfolgung",
        "forward",
        "Nach dem Versand eines Angebots: nachfassen, Einwände klären, Entscheidung einholen.",
        [
            ("nachfassen", "call", "Angebot telefonisch nachfassen", 3, ()),
            ("einwaende", "task", "Einwände und offene Fragen klären", 2, ("nachfassen",)),
            ("entscheidung", "call", "Entscheidung des Kunden einholen", 2, ("einwaende",)),
        ],
    ),
]


def load(apps=None) -> None:
    apps = apps or django_apps
    ChainTemplate = apps.get_model("activities", "ChainTemplate")
    ChainTemplateStep = apps.get_model("activities", "ChainTemplateStep")
    for name, anchor, description, steps in TEMPLATES:
        template, created = ChainTemplate.objects.get_or_create(
            name=name, defaults={"anchor": anchor, "description": description}
        )
        if not created:
            continue
        by_key = {}
        for position, (key, kind, subject, days, predecessors) in enumerate(steps, start=1):
            by_key[key] = ChainTemplateStep.objects.create(
                template=template,
                position=position,
                key=key,
                kind=kind,
                subject=subject,
                working_days=days,
            )
            by_key[key].predecessors.set([by_key[other] for other in predecessors])

"""The process templates Wattwerk ships (``shipped/*.yaml``, described in ``docs/processes.md``):
lead qualification and an opportunity process, each for Stadtwerke/Weiterverteiler and for
industrial and large customers.

Loaded by migration ``processes.0002`` and again by the command ``wattwerk load_reference_data``:
a version not yet stored is added, **inactive** — an administrator activates it on the page
"Prozessvorlagen" (the demo does so itself), since a process changes how sales work.
"""

from pathlib import Path

from django.apps import apps as django_apps
from django.utils import timezone

from . import definition

SHIPPED = Path(__file__).parent / "shipped"


def shipped() -> list[tuple[str, str]]:
    """(file name, YAML) of every shipped template."""
    return [
        (path.name, path.read_text(encoding="utf-8")) for path in sorted(SHIPPED.glob("*.yaml"))
    ]


def load(apps=None) -> None:
    from .operations import References  # the checks read the data of the apps below

    apps = apps or django_apps
    ProcessTemplate = apps.get_model("processes", "ProcessTemplate")
    now = timezone.now()
    for filename, source in shipped():
        parsed = definition.parse(source, filename=filename, references=References(apps))
        ProcessTemplate.objects.get_or_create(
            key=parsed["key"],
            version=parsed["version"],
            defaults={
                "name": parsed["name"],
                "record_kind": parsed["record"],
                "segments": parsed["segments"],
                "description": parsed["description"],
                "source": source,
                "filename": filename,
                "definition": parsed,
                "imported_at": now,
            },
        )

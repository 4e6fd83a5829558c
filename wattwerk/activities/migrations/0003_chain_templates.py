"""The chain templates Wattwerk ships: see :mod:`wattwerk.activities.reference`."""

from django.db import migrations


def load(apps, schema_editor):
    from wattwerk.activities import reference

    reference.load(apps)


class Migration(migrations.Migration):
    dependencies = [("activities", "0002_chains")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

"""The reference data Wattwerk ships with: see :mod:`wattwerk.energy.reference`."""

from django.db import migrations


def load(apps, schema_editor):
    from wattwerk.energy import reference

    reference.load(apps)


class Migration(migrations.Migration):
    dependencies = [("energy", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

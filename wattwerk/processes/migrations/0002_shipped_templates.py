"""The process templates Wattwerk ships: see :mod:`wattwerk.processes.reference`."""

from django.db import migrations


def load(apps, schema_editor):
    from wattwerk.processes import reference

    reference.load(apps)


class Migration(migrations.Migration):
    dependencies = [("processes", "0001_initial"), ("customers", "0002_reference_data")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

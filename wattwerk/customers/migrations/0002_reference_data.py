"""The lists Wattwerk ships for customers: see :mod:`wattwerk.customers.reference`."""

from django.db import migrations


def load(apps, schema_editor):
    from wattwerk.customers import reference

    reference.load(apps)


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

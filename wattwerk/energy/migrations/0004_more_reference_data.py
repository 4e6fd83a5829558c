"""More shipped reference data (Konzessionsabgabe, reduced Stromsteuer, earlier VAT slices,
further electricity profiles): the idempotent loader adds what is missing, edits are kept."""

from django.db import migrations


def load(apps, schema_editor):
    from wattwerk.energy import reference

    reference.load(apps)


class Migration(migrations.Migration):
    dependencies = [("energy", "0003_delivery_points")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

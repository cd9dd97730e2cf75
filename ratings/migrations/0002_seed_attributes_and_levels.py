"""Load the seven attributes and the evidence levels into a fresh database."""

from django.db import migrations

from ratings.defaults import seed


def load(apps, schema_editor):
    seed(apps.get_model("ratings", "Attribute"), apps.get_model("ratings", "EvidenceLevel"))


class Migration(migrations.Migration):
    dependencies = [("ratings", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

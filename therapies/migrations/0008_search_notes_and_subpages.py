"""The search document holds the rating notes and sub-pages too: index every version again."""

from django.db import migrations

from therapies.models import search_document


def index_again(apps, schema_editor):
    version = apps.get_model("therapies", "ReviewVersion")
    version.objects.update(search_document=search_document(version))


class Migration(migrations.Migration):
    dependencies = [
        ("therapies", "0007_review_version_cautions"),
        ("ratings", "0001_initial"),
    ]

    operations = [migrations.RunPython(index_again, migrations.RunPython.noop)]

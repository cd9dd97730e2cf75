"""PostgreSQL extensions for search: trigram similarity tolerates small misspellings."""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("therapies", "0001_initial")]
    operations = [TrigramExtension(), UnaccentExtension()]

"""``python manage.py import_content FILE [--replace]``: load what export_content wrote.

Refuses when the database already has content, unless --replace (which deletes the current
content first). Runs in one transaction: all of the file is loaded, or nothing changes.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from therapies.content_transfer import ContentExistsError, import_content


class Command(BaseCommand):
    help = "Import content exported by export_content into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A JSON file written by export_content.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the content already in the database before importing.",
        )

    def handle(self, *args, file, replace, **options):
        try:
            text = Path(file).read_text(encoding="utf-8")
            loaded, warnings = import_content(text, replace=replace)
        except (OSError, ValueError, ContentExistsError) as error:
            raise CommandError(str(error)) from error
        for warning in warnings:
            self.stderr.write(self.style.WARNING(warning))
        self.stdout.write(self.style.SUCCESS(f"Imported {loaded} objects from {file}."))

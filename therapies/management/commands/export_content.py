"""``python manage.py export_content FILE``: every review, person, reference and glossary term
as JSON (``-`` for standard output). ``import_content`` loads it into another database."""

import sys

from django.core.management.base import BaseCommand

from therapies.content_transfer import export_content


class Command(BaseCommand):
    help = "Export all content (not sign-ins) to a JSON file that import_content can load."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the JSON, or - for standard output.")

    def handle(self, *args, file, **options):
        if file == "-":
            export_content(sys.stdout)
            return
        with open(file, "w", encoding="utf-8") as stream:
            count = export_content(stream)
        self.stderr.write(f"Exported {count} objects to {file}.")

"""``python manage.py restore FOLDER`` (``make restore FILE=...``): undo everything since a backup.

Replaces the whole database with the backup's and unpacks its media over MEDIA_ROOT.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cancerchoices.backup import BackupError, restore
from cancerchoices.cache import bump_public_content


class Command(BaseCommand):
    help = "Restore a backup folder written by `manage.py backup` (replaces the database)."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="A backup folder, or its database.dump.")
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help="Do not ask first."
        )

    def handle(self, *args, source, interactive, **options):
        database = settings.DATABASES["default"]
        if interactive:
            answer = input(
                f"This replaces everything in the database {database['NAME']!r} with the "
                f"backup in {source}. Type 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            restore(source, database, settings.MEDIA_ROOT)
        except BackupError as error:
            raise CommandError(str(error)) from error
        # Every page cached before the restore shows what the restore undid.
        bump_public_content()
        self.stdout.write(self.style.SUCCESS(f"Restored {source}"))

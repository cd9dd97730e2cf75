"""``python manage.py backup`` (``make backup``): database dump plus media, in one folder."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cancerchoices.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump) and MEDIA_ROOT (tar) into var/backups/<timestamp>/."

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            default=Path(settings.BASE_DIR) / "var" / "backups",
            type=Path,
            help="Folder to create the timestamped backup folder in (default var/backups).",
        )

    def handle(self, *args, to, **options):
        try:
            folder = backup(to, settings.DATABASES["default"], settings.MEDIA_ROOT)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backed up to {folder}"))

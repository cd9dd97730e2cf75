from django.core.management.base import BaseCommand

from therapies.workflow import publish_due


class Command(BaseCommand):
    help = "Publish approved versions whose scheduled time has come. Safe to run repeatedly."

    def handle(self, *args, **options):
        published = publish_due()
        for version in published:
            self.stdout.write(f"Published {version}")
        if not published:
            self.stdout.write("Nothing due.")

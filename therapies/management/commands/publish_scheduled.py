from django.core.management.base import BaseCommand

from therapies.workflow import publish_due, withdraw_expired


class Command(BaseCommand):
    help = (
        "Publish approved versions whose scheduled time has come, and withdraw published ones "
        "whose expiry has. Safe to run repeatedly."
    )

    def handle(self, *args, **options):
        published = publish_due()
        for version in published:
            self.stdout.write(f"Published {version}")
        withdrawn = withdraw_expired()
        for version in withdrawn:
            self.stdout.write(f"Withdrew {version} (expired)")
        if not published and not withdrawn:
            self.stdout.write("Nothing due.")

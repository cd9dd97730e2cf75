from django.core.management.base import BaseCommand

from therapies.models import ReviewVersion
from therapies.services import render_version


class Command(BaseCommand):
    help = (
        "Render every review version's stored HTML again (Markdown, citations, reference "
        "lists). Run after a release that changes how reviews are rendered."
    )

    def handle(self, *args, **options):
        count = 0
        for version in ReviewVersion.objects.select_related("therapy").iterator():
            render_version(version)
            count += 1
        self.stdout.write(f"Rendered {count} review versions.")

from django.core.management.base import BaseCommand

from therapies.services import rerender_all


class Command(BaseCommand):
    help = (
        "Render the stored HTML of every live review and open draft again (Markdown, "
        "citations, reference lists, rating rows, reviewer cards). Run after a release that "
        "changes how reviews are rendered."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Rendered {rerender_all()} review versions.")

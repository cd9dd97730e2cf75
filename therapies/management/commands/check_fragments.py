from django.core.management.base import BaseCommand, CommandError

from people.models import Person
from therapies.models import GlossaryTerm
from therapies.rendering import (
    current_versions,
    fresh_bio,
    fresh_definition,
    render_glossary_term,
    render_person,
    render_version,
    version_differences,
)


class Command(BaseCommand):
    help = (
        "Compare every stored fragment (the HTML of each Markdown text of the live and open "
        "versions, glossary definitions and biographies, and the references and glossary terms "
        "each version cites and marks) with a fresh render. Reports each difference and exits "
        "with status 1 if there is any; --repair stores the fresh render instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="Render again whatever differs.")

    def handle(self, *args, repair=False, **options):
        problems = []
        for version in current_versions().select_related("therapy").order_by("pk"):
            differences = version_differences(version)
            problems += [f"{version} (id {version.pk}): {what}" for what in differences]
            if differences and repair:
                render_version(version)
        for term in GlossaryTerm.objects.order_by("pk"):
            if fresh_definition(term) != term.definition_html:
                problems.append(f"Glossary term {term.slug}: the longer definition")
                if repair:
                    render_glossary_term(term)
        for person in Person.objects.order_by("pk"):
            if fresh_bio(person) != person.bio_html:
                problems.append(f"Person {person.slug}: the biography")
                if repair:
                    render_person(person)
        for problem in problems:
            self.stdout.write(f"Stored HTML differs from a fresh render: {problem}")
        if problems and not repair:
            raise CommandError(f"{len(problems)} stored fragments differ from a fresh render.")
        self.stdout.write(
            f"Rendered again: {len(problems)}." if repair else "Every stored fragment is current."
        )

"""``python manage.py load_demo``: fill an empty local database with sample content.

Creates the sample therapies (each with one published review version, seven ratings,
sub-pages and credits), references, glossary terms, three fictional people, one draft waiting
for a consultant's review, and three staff sign-ins, one per editorial role (researcher,
consultant, editor), with the password ``demo-password``. The data lives
in ``therapies.demo_content``.

It refuses to run unless ``settings.DEMO_CONTENT_ALLOWED`` is true (production sets it
False), and does nothing if any therapy already exists. Everything happens in one
transaction: either all of the sample content is loaded, or none of it.
"""

from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from people.models import Credit, Person
from ratings.models import Attribute, EvidenceLevel, Rating
from therapies import demo_content
from therapies.models import (
    AuditEntry,
    CancerType,
    Category,
    GlossaryTerm,
    Reference,
    ReviewVersion,
    SubPage,
    Therapy,
)
from therapies.rendering import render_glossary_term, render_person, render_version
from therapies.workflow import content_fingerprint, start_draft, transition


class Command(BaseCommand):
    help = (
        "Load sample therapies, ratings, people, references and glossary terms into an empty "
        "database, with three staff sign-ins (password 'demo-password'). Never for production."
    )

    def handle(self, *args, **options):
        if not getattr(settings, "DEMO_CONTENT_ALLOWED", False):
            raise CommandError(
                "Refusing to load demo content: settings.DEMO_CONTENT_ALLOWED is not true in "
                "these settings. Sample reviews and demo sign-ins must never reach a production "
                "database."
            )
        try:
            with transaction.atomic():
                if Therapy.objects.exists():
                    self.stdout.write(
                        "The database already has content (at least one therapy exists), "
                        "so no demo content was loaded."
                    )
                    return
                counts = Loader().load()
        except ValidationError as error:
            raise CommandError(
                f"The demo content did not validate, so nothing was loaded: {error}"
            ) from error

        users = ", ".join(u["username"] for u in demo_content.USERS)
        self.stdout.write(
            self.style.SUCCESS(
                "Loaded demo content: "
                f"{counts['therapies']} therapies with published sample reviews, "
                f"{counts['ratings']} ratings, {counts['subpages']} sub-pages, "
                f"{counts['references']} references, {counts['terms']} glossary terms, "
                f"{counts['people']} sample people."
            )
        )
        self.stdout.write(
            f"Staff sign-ins: {users} (password '{demo_content.DEMO_PASSWORD}')."
            + (
                f" Already present and left unchanged: {', '.join(counts['existing_users'])}."
                if counts["existing_users"]
                else ""
            )
        )


def _save(instance, exclude=None):
    """Validate like the admin would (field rules, Markdown, constraints), then save."""
    instance.full_clean(exclude=exclude)
    instance.save()
    return instance


class Loader:
    """Creates the rows. Runs inside the caller's transaction."""

    def load(self) -> dict:
        users, existing_users = self.load_users()
        self.load_categories_and_cancer_types()
        references = self.load_references()
        terms = self.load_glossary()
        people = self.load_people(users)
        versions = self.load_therapies(users["researcher"], users["consultant"], people)

        # Render last, once every reference and term a text may mention exists.
        for term in terms:
            render_glossary_term(term)
        for person in people.values():
            render_person(person)
        for version in versions:
            render_version(version)
            # Record the consultant's approval of exactly this content, as the workflow would.
            version.approved_fingerprint = content_fingerprint(version)
            version.save(update_fields=["approved_fingerprint"])
            self.record_history(version)
        self.load_draft_in_review(users["researcher"])

        return {
            "therapies": len(versions),
            "ratings": Rating.objects.filter(version__in=versions).count(),
            "subpages": SubPage.objects.filter(version__in=versions).count(),
            "references": len(references),
            "terms": len(terms),
            "people": len(people),
            "existing_users": existing_users,
        }

    def record_history(self, version):
        """The audit trail the workflow would have left for a published sample review."""
        steps = [
            ("submit", version.created_by, "draft", "in_review", version.approved_at),
            ("approve", version.approved_by, "in_review", "approved", version.approved_at),
            ("publish", version.approved_by, "approved", "published", version.published_at),
        ]
        for action, actor, before, after, when in steps:
            entry = AuditEntry.objects.create(
                version=version, actor=actor, action=action, from_state=before, to_state=after
            )
            AuditEntry.objects.filter(pk=entry.pk).update(created_at=when)

    def load_draft_in_review(self, researcher):
        spec = demo_content.DRAFT_IN_REVIEW
        draft = start_draft(Therapy.objects.get(slug=spec["therapy"]), researcher)
        draft.summary += spec["summary_suffix"]
        draft.save()
        code, score = spec["rating"]
        draft.ratings.filter(attribute__code=code).update(score=score)
        render_version(draft)
        transition(
            "submit",
            draft,
            researcher,
            change_kind=ReviewVersion.ChangeKind.UPDATE,
            change_summary=spec["change_summary"],
        )

    def load_users(self):
        user_model = get_user_model()
        users, existing = {}, []
        for spec in demo_content.USERS:
            user = user_model.objects.filter(username=spec["username"]).first()
            if user is not None:
                # Someone already made this sign-in; leave its password and rights alone.
                existing.append(spec["username"])
            else:
                user = user_model(
                    username=spec["username"],
                    first_name=spec["first_name"],
                    last_name=spec["last_name"],
                    email=spec["email"],
                    is_staff=True,
                )
                user.set_password(demo_content.DEMO_PASSWORD)
                user.save()
                user.groups.add(Group.objects.get(name=spec["role"]))
            users[spec["username"]] = user
        return users, existing

    def load_categories_and_cancer_types(self):
        for spec in demo_content.CATEGORIES:
            if not Category.objects.filter(slug=spec["slug"]).exists():
                _save(Category(**spec))
        for spec in demo_content.CANCER_TYPES:
            if not CancerType.objects.filter(slug=spec["slug"]).exists():
                _save(CancerType(**spec))

    def load_references(self) -> list[Reference]:
        references = []
        for spec in demo_content.REFERENCES:
            reference = Reference.objects.filter(key=spec["key"]).first()
            if reference is None:
                reference = _save(Reference(**spec))
            references.append(reference)
        return references

    def load_glossary(self) -> list[GlossaryTerm]:
        terms = []
        for spec in demo_content.GLOSSARY_TERMS:
            term = GlossaryTerm.objects.filter(slug=spec["slug"]).first()
            if term is None:
                # Definitions may mention terms further down the list: check them below.
                term = _save(GlossaryTerm(**spec), exclude=["definition"])
            terms.append(term)
        for term in terms:
            term.full_clean()
        return terms

    def load_people(self, users) -> dict[str, Person]:
        people = {}
        for spec in demo_content.PEOPLE:
            fields = {k: v for k, v in spec.items() if k != "user"}
            person = Person.objects.filter(slug=spec["slug"]).first()
            if person is None:
                person = Person(**fields, is_sample=True)
                user = users.get(spec["user"]) if spec["user"] else None
                if user is not None and not Person.objects.filter(user=user).exists():
                    person.user = user
                _save(person)
            people[person.slug] = person
        return people

    def load_therapies(self, author, approver, people) -> list[ReviewVersion]:
        attributes = {a.code: a for a in Attribute.objects.all()}
        levels = {level.code: level for level in EvidenceLevel.objects.all()}
        versions = []
        for spec in demo_content.THERAPIES:
            therapy = _save(Therapy(slug=spec["slug"]))

            published_at = datetime.combine(spec["last_updated"], time(12), tzinfo=UTC)
            version = _save(
                ReviewVersion(
                    therapy=therapy,
                    name=spec["name"],
                    alternate_names=spec["alternate_names"],
                    category=Category.objects.get(slug=spec["category"]),
                    review_interval_months=spec.get("review_interval_months", 24),
                    is_sample=True,
                    state=ReviewVersion.State.PUBLISHED,
                    summary=spec["summary"],
                    body=spec["body"],
                    last_updated=spec["last_updated"],
                    literature_reviewed=spec["literature_reviewed"],
                    change_kind=ReviewVersion.ChangeKind.UPDATE,
                    change_summary=demo_content.CHANGE_SUMMARY,
                    created_by=author,
                    approved_by=approver,
                    approved_at=published_at - timedelta(days=2),
                    published_at=published_at,
                )
            )
            version.editors.add(author)
            version.cancer_types.set(CancerType.objects.filter(slug__in=spec["cancer_types"]))

            missing = set(attributes) - set(spec["ratings"])
            if missing:
                raise CommandError(f"{spec['name']}: no rating for {', '.join(sorted(missing))}.")
            for code, rating in spec["ratings"].items():
                _save(
                    Rating(
                        version=version,
                        attribute=attributes[code],
                        score=rating["score"],
                        evidence_level=levels[rating["level"]] if rating["level"] else None,
                        note=rating["note"],
                    )
                )

            for subpage in spec["subpages"]:
                _save(
                    SubPage(
                        version=version,
                        kind=subpage["kind"],
                        title=subpage.get("title", ""),
                        body=subpage["body"],
                    )
                )

            for order, credit in enumerate(spec["credits"]):
                _save(
                    Credit(
                        version=version,
                        person=people[credit["person"]],
                        role=credit["role"],
                        order=order,
                    )
                )
            versions.append(version)
        return versions

"""``python manage.py load_demo``: fill an empty local database with sample content.

Reads the files under ``settings.DEMO_CONTENT_DIR`` (``demo/``, described in its README) and
creates the sample therapies (each with one published review version, seven ratings, sub-pages
and credits), references, glossary terms, three fictional people, one draft waiting for a
consultant's review, and three staff sign-ins, one per editorial role (researcher, consultant,
editor). Every row is validated as the admin validates it; a file that does not read or
validate stops the command with the file's name and the problem.

It refuses to run unless ``settings.DEMO_CONTENT_ALLOWED`` is true (production sets it
False), and does nothing if any therapy already exists. Everything happens in one
transaction: either all of the sample content is loaded, or none of it.
"""

from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from people.models import Credit, Person
from ratings.models import Attribute, EvidenceLevel, Rating
from therapies.demo import APPROVER, AUTHOR, DemoContent, DemoContentError, read_demo_content
from therapies.models import (
    AuditEntry,
    CancerType,
    Category,
    Finding,
    GlossaryTerm,
    Reference,
    ReviewVersion,
    SubPage,
    Therapy,
)
from therapies.notifications import notify_transition
from therapies.rendering import render_glossary_term, render_person, render_version
from therapies.workflow import WorkflowError, content_fingerprint, start_draft, submit_version


class Command(BaseCommand):
    help = (
        "Load sample therapies, ratings, people, references and glossary terms from demo/ "
        "into an empty database, with three staff sign-ins. Never for production."
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
                content = read_demo_content(Path(settings.DEMO_CONTENT_DIR))
                counts = Loader(content).load()
        except DemoContentError as error:
            raise CommandError(f"The demo content was not loaded: {error}") from None

        self.stdout.write(
            self.style.SUCCESS(
                "Loaded demo content: "
                f"{counts['therapies']} therapies with published sample reviews, "
                f"{counts['ratings']} ratings, {counts['subpages']} sub-pages, "
                f"{counts['references']} references, {counts['terms']} glossary terms, "
                f"{counts['people']} sample people, 1 draft in review."
            )
        )
        users = ", ".join(entry.fields["username"] for entry in content.users)
        self.stdout.write(
            f"Staff sign-ins: {users} (password '{content.password}')."
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


@contextmanager
def reporting(where: str):
    """Refusals while saving what was read at ``where`` name that file and record."""
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise DemoContentError(where, " ".join(error.messages)) from None
        problems = [
            " ".join(messages) if field == NON_FIELD_ERRORS else f"{field}: {' '.join(messages)}"
            for field, messages in error.message_dict.items()
        ]
        raise DemoContentError(where, "; ".join(problems)) from None
    except WorkflowError as error:
        raise DemoContentError(where, str(error)) from None


def _as_it_was(review: dict, earlier: dict) -> dict:
    """A review's fields as an earlier version of it had them: the same, but for the dates,
    change summary and ratings ``earlier`` gives."""
    ratings = {
        code: {**rating, **earlier["ratings"].get(code, {})}
        for code, rating in review["ratings"].items()
    }
    return {**review, **earlier, "ratings": ratings}


def _pick(found: dict, key: str, what: str):
    """``found[key]``, or a refusal listing what ``key`` could have been."""
    if key not in found:
        raise ValidationError(f"no {what} '{key}' (there are: {', '.join(sorted(found))})")
    return found[key]


class Loader:
    """Creates the rows from what ``read_demo_content`` read. Runs inside the caller's
    transaction."""

    def __init__(self, content: DemoContent):
        self.content = content
        self.attributes = {a.code: a for a in Attribute.objects.all()}
        self.levels = {level.code: level for level in EvidenceLevel.objects.all()}

    def load(self) -> dict:
        users, existing_users = self.load_users()
        self.load_categories_and_cancer_types()
        references = self.load_references()
        terms = self.load_glossary()
        people = self.load_people(users)
        versions = self.load_therapies(users[AUTHOR], users[APPROVER], people)

        # Render last, once every reference and term a text may mention exists.
        for term in terms:
            render_glossary_term(term)
        for person in people.values():
            render_person(person)
        for version in [*self.earlier_versions, *versions]:
            render_version(version)
            # Record the consultant's approval of exactly this content, as the workflow would.
            version.approved_fingerprint = content_fingerprint(version)
            version.save(update_fields=["approved_fingerprint"])
            self.record_history(version)
        self.load_draft_in_review(users[AUTHOR])

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
        """A new draft of a published review, changed as the file says and submitted."""
        entry = self.content.draft_in_review
        with reporting(entry.where):
            therapies = Therapy.objects.in_bulk(field_name="slug")
            therapy = _pick(therapies, entry.fields["therapy"], "therapy")
            draft = start_draft(therapy, researcher)
            draft.summary += " " + entry.fields["added_to_summary"]
            _save(draft)
            ratings = {rating.attribute.code: rating for rating in draft.ratings.all()}
            for code, changes in entry.fields["ratings"].items():
                with reporting(f"{entry.where}, ratings.{code}"):
                    rating = _pick(ratings, code, "attribute")
                    for field, value in changes.items():
                        if field == "level":
                            rating.evidence_level = _pick(self.levels, value, "level")
                        else:
                            setattr(rating, field, value)
                    _save(rating)
            render_version(draft)
            submit_version(
                version=draft,
                by=researcher,
                change_kind=ReviewVersion.ChangeKind.UPDATE,
                change_summary=entry.fields["change_summary"],
            )
        # No e-mail for this submission: it is sample data, not news for anyone, and the
        # worker would print it in the middle of `make run` starting up. The steps people take
        # in the demo e-mail as usual (printed by the worker).
        queued = ProcrastinateJob.objects.filter(
            task_name=notify_transition.name, args__version_id=draft.pk, status="todo"
        )
        for job in queued:
            app.job_manager.cancel_job_by_id(job.id, delete_job=True)

    def load_users(self):
        user_model = get_user_model()
        groups = Group.objects.in_bulk(field_name="name")
        users, existing = {}, []
        for entry in self.content.users:
            spec = entry.fields
            user = user_model.objects.filter(username=spec["username"]).first()
            if user is not None:
                # Someone already made this sign-in; leave its password and rights alone.
                existing.append(spec["username"])
            else:
                with reporting(entry.where):
                    group = _pick(groups, spec["role"], "role")
                    user = user_model(
                        username=spec["username"],
                        first_name=spec["first_name"],
                        last_name=spec["last_name"],
                        email=spec["email"],
                        is_staff=True,
                    )
                    user.set_password(self.content.password)
                    _save(user)
                user.groups.add(group)
            users[spec["username"]] = user
        return users, existing

    def load_categories_and_cancer_types(self):
        for model, entries in [
            (Category, self.content.categories),
            (CancerType, self.content.cancer_types),
        ]:
            for entry in entries:
                if not model.objects.filter(slug=entry.fields["slug"]).exists():
                    with reporting(entry.where):
                        _save(model(**entry.fields))

    def load_references(self) -> list[Reference]:
        references = []
        for entry in self.content.references:
            reference = Reference.objects.filter(key=entry.fields["key"]).first()
            if reference is None:
                with reporting(entry.where):
                    reference = _save(Reference(**entry.fields))
            references.append(reference)
        return references

    def load_glossary(self) -> list[GlossaryTerm]:
        terms = []
        for entry in self.content.glossary_terms:
            term = GlossaryTerm.objects.filter(slug=entry.fields["slug"]).first()
            if term is None:
                # Definitions may mention terms further down the list: check them below.
                with reporting(entry.where):
                    term = _save(GlossaryTerm(**entry.fields), exclude=["definition"])
            terms.append((entry, term))
        for entry, term in terms:
            with reporting(entry.where):
                term.full_clean()
        return [term for _, term in terms]

    def load_people(self, users) -> dict[str, Person]:
        people = {}
        for entry in self.content.people:
            fields = {k: v for k, v in entry.fields.items() if k != "user"}
            person = Person.objects.filter(slug=fields["slug"]).first()
            if person is None:
                with reporting(entry.where):
                    person = Person(**fields, is_sample=True)
                    if "user" in entry.fields:
                        user = _pick(users, entry.fields["user"], "sign-in")
                        if not Person.objects.filter(user=user).exists():
                            person.user = user
                    _save(person)
            people[person.slug] = person
        return people

    def load_therapies(self, author, approver, people) -> list[ReviewVersion]:
        """The published version of each review, after its earlier versions if it has any
        (``self.earlier_versions``)."""
        self.categories = Category.objects.in_bulk(field_name="slug")
        self.cancer_types = CancerType.objects.in_bulk(field_name="slug")
        self.earlier_versions = []
        versions = []
        for entry in self.content.reviews:
            with reporting(entry.where):
                therapy = _save(Therapy(slug=entry.fields["slug"]))
                for number, earlier in enumerate(entry.fields["earlier"], start=1):
                    where = f"{entry.where}, earlier version number {number}"
                    with reporting(where):
                        spec = _as_it_was(entry.fields, earlier)
                        superseded = ReviewVersion.State.SUPERSEDED
                        self.earlier_versions.append(
                            self.load_therapy(
                                where, therapy, spec, author, approver, people, superseded
                            )
                        )
                versions.append(
                    self.load_therapy(entry.where, therapy, entry.fields, author, approver, people)
                )
        return versions

    def load_therapy(
        self, where, therapy, spec, author, approver, people, state=ReviewVersion.State.PUBLISHED
    ) -> ReviewVersion:
        published_at = datetime.combine(spec["last_updated"], time(12), tzinfo=UTC)
        version = ReviewVersion(
            therapy=therapy,
            name=spec["name"],
            alternate_names=spec.get("alternate_names", ""),
            category=_pick(self.categories, spec["category"], "category"),
            is_sample=True,
            state=state,
            summary=spec["summary"],
            body=spec["body"],
            **{f"cautions_{part}": text for part, text in spec["cautions"].items()},
            last_updated=spec["last_updated"],
            literature_reviewed=spec["literature_reviewed"],
            change_kind=spec.get("change_kind", ReviewVersion.ChangeKind.UPDATE),
            change_summary=spec["change_summary"],
            created_by=author,
            approved_by=approver,
            approved_at=published_at - timedelta(days=2),
            published_at=published_at,
        )
        if "review_interval_months" in spec:
            version.review_interval_months = spec["review_interval_months"]
        _save(version)
        version.editors.add(author)
        version.cancer_types.set(
            [_pick(self.cancer_types, slug, "cancer type") for slug in spec.get("cancer_types", [])]
        )

        for code, rating in spec["ratings"].items():
            with reporting(f"{where}, ratings.{code}"):
                level = rating.get("level")
                _save(
                    Rating(
                        version=version,
                        attribute=_pick(self.attributes, code, "attribute"),
                        score=rating.get("score"),
                        evidence_level=_pick(self.levels, level, "level") if level else None,
                        note=rating["note"],
                    )
                )
        missing = set(self.attributes) - set(spec["ratings"])
        if missing:
            raise ValidationError(f"no rating for {', '.join(sorted(missing))}")

        for subpage in spec["subpages"]:
            with reporting(subpage.where):
                _save(SubPage(version=version, **subpage.fields))

        for order, finding in enumerate(spec["findings"]):
            with reporting(f"{where}, finding number {order + 1}"):
                _save(
                    Finding(
                        version=version,
                        attribute=_pick(self.attributes, finding["benefit"], "attribute"),
                        cancer_type=_pick(self.cancer_types, finding["cancer_type"], "cancer type"),
                        direction=finding["direction"],
                        evidence_level=_pick(self.levels, finding["level"], "level"),
                        outcome=finding["outcome"],
                        population=finding["population"],
                        combined_with=finding.get("combined_with", ""),
                        detail=finding.get("detail", ""),
                        sources=finding["sources"],
                        order=order,
                    )
                )

        for order, credit in enumerate(spec["credits"]):
            with reporting(f"{where}, credit number {order + 1}"):
                _save(
                    Credit(
                        version=version,
                        person=_pick(people, credit["person"], "person"),
                        role=credit["role"],
                        order=order,
                    )
                )
        return version

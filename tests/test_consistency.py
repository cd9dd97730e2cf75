"""Random sequences of editorial work, done through the admin's own forms and workflow buttons,
leave every public page as a fresh render of the same data shows it.

Hypothesis draws a sequence of actions (renames, slug and vocabulary changes, approved and
rejected changes to shared references and glossary terms, withdrawals, republications, a draft
never published...). Each action is what people do in the admin: Django test clients signed in
as a researcher, a clinical consultant and an editor post its forms and press its workflow
buttons. An anonymous reader visits every public page now and then, so the page cache holds
pages from earlier in the sequence. After the sequence the queued background jobs run, and:

1. ``manage.py check_fragments`` finds every stored fragment current;
2. every public page read through the page cache equals the page rendered from scratch (every
   fragment rendered again, the cache emptied);
3. no text that was never approved appears on a public page, former slugs answer 301 to the
   current one, and a withdrawn review's pages are gone.

Hypothesis runs the examples inside one pytest-django test (so the ``db`` and ``jobs``
fixtures work as everywhere else); each example runs in a savepoint that is rolled back, so
every example starts from the same empty database and an empty page cache.
"""

import difflib
import itertools
from dataclasses import dataclass, field

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from people.models import Credit, Person
from ratings.models import Attribute, EvidenceLevel
from tests.admin_forms import formset_management, version_fields
from tests.factories import (
    CategoryFactory,
    CreditFactory,
    GlossaryTermFactory,
    PersonFactory,
    PublishedVersionFactory,
    RatingFactory,
    SubPageFactory,
    build_review,
    evidence_level,
    role_user,
)
from therapies.models import (
    Category,
    GlossaryTerm,
    PageReference,
    Reference,
    ReviewVersion,
    SharedChange,
    SubPage,
    Therapy,
)
from therapies.rendering import (
    current_versions,
    render_glossary_term,
    render_person,
    render_version,
)
from therapies.side_by_side import compare_query

State = ReviewVersion.State
# Written only into drafts that are never published and into proposals that are rejected.
NEVER_PUBLIC = "Zq7-never-approved"


@dataclass
class Site:
    researcher: Client
    consultant: Client
    editor: Client
    therapies: list
    # Every slug each therapy has had, by therapy pk: all but the current one redirect.
    slugs: dict
    # Names of approved versions not published yet, by therapy pk: not public until then.
    unpublished_names: dict = field(default_factory=dict)
    counter: itertools.count = field(default_factory=lambda: itertools.count(1))

    def unique(self, text: str) -> str:
        return f"{text} {next(self.counter)}"


def signed_in(role: str) -> Client:
    client = Client()
    client.user = role_user(role)
    client.force_login(client.user)
    return client


def second_review(first: ReviewVersion) -> ReviewVersion:
    """Another published review citing the same sources, marking the same term and crediting
    the same person as ``first``, in a category of its own."""
    version = PublishedVersionFactory(name="Mistletoe extract", category=CategoryFactory())
    references = list(Reference.objects.order_by("key"))
    version.body = (
        f"Given by injection; see [[case study|case-study]] reports [@{references[0].key}]."
    )
    version.save()
    RatingFactory(
        version=version,
        attribute=Attribute.objects.get(code="side_effects"),
        score=3,
        evidence_level=evidence_level("modest"),
        note=f"- Better fatigue scores [@{references[-1].key}; @{references[0].key}]",
    )
    SubPageFactory(version=version, kind="safety", body=f"Skin reactions [@{references[-1].key}].")
    person = Credit.objects.filter(version=first).first().person
    CreditFactory(version=version, person=person, role=Credit.Role.CLINICAL_REVIEWER)
    CreditFactory(version=version, person=PersonFactory(), role=Credit.Role.LEAD_RESEARCHER)
    render_version(version)
    return version


def build_site() -> Site:
    first = build_review()
    second = second_review(first)
    # Shared records that other shared records show: a longer definition marking a term and
    # citing a source, and a biography doing the same.
    key = Reference.objects.order_by("key").first().key
    term = GlossaryTermFactory(
        term="n-of-1 trial",
        slug="n-of-1-trial",
        short_definition="A trial in one person.",
        definition="Like a case study, but planned.",
    )
    render_glossary_term(term)
    if True:  # TEMP
        return Site(
        researcher=signed_in("Researcher"),
        consultant=signed_in("Clinical consultant"),
        editor=signed_in("Editor"),
        therapies=[first.therapy, second.therapy],
        slugs={therapy.pk: [therapy.slug] for therapy in [first.therapy, second.therapy]},
    )
    person = Credit.objects.filter(version=first).first().person
    person.bio = f"Reviews [[case study|case-study]] reports and trials [@{key}]."
    person.save()
    render_person(person)
    therapies = [first.therapy, second.therapy]
    return Site(
        researcher=signed_in("Researcher"),
        consultant=signed_in("Clinical consultant"),
        editor=signed_in("Editor"),
        therapies=therapies,
        slugs={therapy.pk: [therapy.slug] for therapy in therapies},
    )


# Posting the admin's forms


def admin_url(name: str, *args) -> str:
    return reverse(f"admin:{name}", args=args)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def post_form(client: Client, url: str, data: dict):
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def post_version(client: Client, version: ReviewVersion, changes: dict) -> None:
    """Save ``version``'s change form as it stands, with ``changes`` (form field names; None
    leaves the field out, as an unticked checkbox is)."""
    version.refresh_from_db()
    ratings = list(version.ratings.order_by("pk"))
    subpages = list(version.subpages.order_by("pk"))
    credits = list(version.credits.order_by("pk"))
    data = {
        **version_fields(version),
        "summary": version.summary,
        "body": version.body,
        "seen_revision": version.revision,
        **formset_management("ratings", len(ratings), len(ratings)),
        **formset_management("subpages", len(subpages), len(subpages)),
        **formset_management("credits", len(credits), len(credits)),
        **formset_management("page_references"),
        **formset_management("audit"),
    }
    for n, rating in enumerate(ratings):
        data |= {
            f"ratings-{n}-id": rating.pk,
            f"ratings-{n}-version": version.pk,
            f"ratings-{n}-attribute": rating.attribute_id,
            f"ratings-{n}-score": "" if rating.score is None else rating.score,
            f"ratings-{n}-evidence_level": rating.evidence_level_id or "",
            f"ratings-{n}-note": rating.note,
        }
    for n, subpage in enumerate(subpages):
        data |= {
            f"subpages-{n}-id": subpage.pk,
            f"subpages-{n}-version": version.pk,
            f"subpages-{n}-kind": subpage.kind,
            f"subpages-{n}-title": subpage.title,
            f"subpages-{n}-body": subpage.body,
        }
    for n, credit in enumerate(credits):
        data |= {
            f"credits-{n}-id": credit.pk,
            f"credits-{n}-version": version.pk,
            f"credits-{n}-person": credit.person_id,
            f"credits-{n}-role": credit.role,
            f"credits-{n}-order": credit.order,
        }
    data |= changes
    data = {name: value for name, value in data.items() if value is not None}
    url = admin_url("therapies_reviewversion_change", version.pk)
    post_form(client, url, data)


def take_step(client: Client, version: ReviewVersion, step: str, **fields):
    """Press a workflow button on ``version`` and confirm its form; returns the version as it
    is then, and the messages the admin showed."""
    version.refresh_from_db()
    url = admin_url("therapies_reviewversion_step", version.pk, step)
    response = post_form(client, url, {"revision": version.revision, **fields})
    version.refresh_from_db()
    return version, messages_of(response)


def decide(client: Client, change: SharedChange, decision: str) -> None:
    url = admin_url("therapies_sharedchange_decide", change.pk)
    response = post_form(
        client, url, {"decision": decision, "seen": change.digest, "comment": "Not supported."}
    )
    change.refresh_from_db()
    assert change.state != SharedChange.State.PENDING, messages_of(response)


# The workflow, as the admin's buttons take it


def open_version(therapy: Therapy) -> ReviewVersion | None:
    return ReviewVersion.objects.open().filter(therapy=therapy).first()


def is_secret(version: ReviewVersion) -> bool:
    return NEVER_PUBLIC in version.name


def publish(site: Site, version: ReviewVersion) -> None:
    """Approve (again, if a shared change voided the approval) and publish ``version``."""
    for _ in range(3):
        if version.state == State.IN_REVIEW:
            version, said = take_step(site.consultant, version, "approve", comment="")
            assert version.state == State.APPROVED, said
        version, said = take_step(site.consultant, version, "publish", when="now")
        if version.state == State.PUBLISHED:
            site.unpublished_names.pop(version.therapy_id, None)
            return
    raise AssertionError(f"{version} was not published: {said}")


def clear_the_way(site: Site, therapy: Therapy) -> None:
    """Settle the therapy's open version, so a new draft can start: the secret one is
    discarded, any other published."""
    version = open_version(therapy)
    if version is None:
        return
    if is_secret(version):
        if version.state == State.IN_REVIEW:
            version, said = take_step(site.researcher, version, "recall")
            assert version.state == State.DRAFT, said
        version, said = take_step(site.researcher, version, "discard")
        assert version.state == State.DISCARDED, said
    elif version.state == State.DRAFT:
        submit(site, version, "Left over.")
        publish(site, version)
    else:
        publish(site, version)


def start_draft(site: Site, therapy: Therapy) -> ReviewVersion:
    clear_the_way(site, therapy)
    post_form(site.researcher, admin_url("therapies_reviewversion_start_draft", therapy.pk), {})
    draft = open_version(therapy)
    assert draft is not None and draft.state == State.DRAFT
    return draft


def submit(site: Site, version: ReviewVersion, summary: str) -> ReviewVersion:
    version, said = take_step(
        site.researcher, version, "submit", change_kind="update", change_summary=summary
    )
    assert version.state == State.IN_REVIEW, said
    return version


def revise(site: Site, therapy: Therapy, changes: dict, summary: str, publish_now=True) -> None:
    """A draft with ``changes``, submitted and approved, and published if ``publish_now``."""
    draft = start_draft(site, therapy)
    post_version(site.researcher, draft, changes)
    draft = submit(site, draft, summary)
    draft, said = take_step(site.consultant, draft, "approve", comment="")
    assert draft.state == State.APPROVED, said
    if publish_now:
        publish(site, draft)
    else:
        site.unpublished_names[therapy.pk] = draft.name


def live_version(therapy: Therapy) -> ReviewVersion | None:
    return ReviewVersion.objects.published().filter(therapy=therapy).first()


def latest_version(therapy: Therapy) -> ReviewVersion:
    return live_version(therapy) or therapy.versions.order_by("-number").first()


# The actions a sequence is made of: each takes the site, a therapy and a coin toss.


def rename_therapy(site, therapy, publish_now):
    name = site.unique("Renamed therapy")
    revise(site, therapy, {"name": name}, f"Renamed to {name}.", publish_now)


def toggle_sample(site, therapy, publish_now):
    flag = None if latest_version(therapy).is_sample else "on"
    revise(site, therapy, {"is_sample": flag}, "Sample flag toggled.", publish_now)


def change_slug(site, therapy, back_to_former):
    therapy.refresh_from_db()
    former = [slug for slug in site.slugs[therapy.pk] if slug != therapy.slug]
    slug = former[0] if back_to_former and former else site.unique("address").replace(" ", "-")
    url = admin_url("therapies_therapy_change", therapy.pk)
    post_form(site.editor, url, {"slug": slug, **formset_management("versions")})
    therapy.refresh_from_db()
    assert therapy.slug == slug
    site.slugs[therapy.pk].append(slug)


def rename_category(site, therapy, _):
    category = Category.objects.get(pk=latest_version(therapy).category_id)
    url = admin_url("therapies_category_change", category.pk)
    name = site.unique("Category")
    data = {"name": name, "slug": category.slug, "description": category.description,
            "order": category.order}  # fmt: skip
    post_form(site.editor, url, data)


def rename_person(site, therapy, _):
    credit = latest_version(therapy).credits.order_by("pk").first()
    person = Person.objects.get(pk=credit.person_id)
    data = {
        "name": site.unique("Pat Person"), "slug": person.slug, "credentials": person.credentials,
        "role_title": person.role_title, "short_bio": person.short_bio, "bio": person.bio,
        "user": "", **({"is_sample": "on"} if person.is_sample else {}),
    }  # fmt: skip
    post_form(site.editor, admin_url("people_person_change", person.pk), data)


def cited_reference(therapy) -> Reference:
    version = latest_version(therapy)
    pk = version.page_references.order_by("number").values_list("reference", flat=True).first()
    return Reference.objects.get(pk=pk)


def is_public(record) -> bool:
    published = ReviewVersion.objects.published()
    if isinstance(record, Reference):
        return PageReference.objects.filter(reference=record, version__in=published).exists()
    return published.filter(marked_terms=record).exists()


def propose_and_decide(site, proposer, record, approve) -> None:
    """After a proposal was saved through ``record``'s admin page: a record no published
    review uses is saved at once; otherwise the change waits, then a consultant decides."""
    change = SharedChange.objects.filter(
        state=SharedChange.State.PENDING, **{record._meta.model_name: record}
    ).first()
    if not is_public(record) and change is None:
        return
    assert change is not None, f"a change to {record}, which the public sees, was not held"
    assert change.proposed_by == proposer.user
    decide(site.consultant, change, "approve" if approve else "reject")


def edit_reference(site, therapy, approve):
    reference = cited_reference(therapy)
    text = site.unique("Revised title") if approve or not is_public(reference) else NEVER_PUBLIC
    data = {
        "key": reference.key, "kind": reference.kind, "authors": site.unique("Writer W"),
        "title": text, "container": reference.container, "place": reference.place,
        "year": reference.year or "", "volume": reference.volume, "issue": reference.issue,
        "pages": reference.pages, "doi": reference.doi, "pmid": reference.pmid,
        "url": reference.url, "viewed_on": "",
    }  # fmt: skip
    post_form(site.researcher, admin_url("therapies_reference_change", reference.pk), data)
    propose_and_decide(site, site.researcher, reference, approve)


def edit_glossary_term(site, _, approve):
    term = GlossaryTerm.objects.get(slug="case-study")
    public = is_public(term)
    text = site.unique("Revised definition") if approve or not public else NEVER_PUBLIC
    data = {"term": term.term, "slug": term.slug, "variants": term.variants,
            "short_definition": text, "definition": term.definition}  # fmt: skip
    post_form(site.editor, admin_url("therapies_glossaryterm_change", term.pk), data)
    propose_and_decide(site, site.editor, term, approve)


def rename_attribute(site, therapy, _):
    rating = latest_version(therapy).ratings.order_by("pk").first()
    attribute = Attribute.objects.get(pk=rating.attribute_id)
    data = {
        "label": site.unique("Attribute"), "short_label": site.unique("Attr"),
        "rated_on": attribute.rated_on, "order": attribute.order,
        **({"is_evidence_based": "on"} if attribute.is_evidence_based else {}),
    }  # fmt: skip
    post_form(site.editor, admin_url("ratings_attribute_change", attribute.pk), data)


def rename_evidence_level(site, therapy, _):
    rating = latest_version(therapy).ratings.exclude(evidence_level=None).first()
    level = EvidenceLevel.objects.get(pk=rating.evidence_level_id)
    data = {"code": level.code, "label": site.unique("Level"), "definition": level.definition,
            "score_min": level.score_min, "score_max": level.score_max,
            "order": level.order}  # fmt: skip
    post_form(site.editor, admin_url("ratings_evidencelevel_change", level.pk), data)


def withdraw(site, therapy, _):
    version = live_version(therapy)
    if version is not None:
        version, said = take_step(site.consultant, version, "withdraw", comment="Unsafe claims.")
        assert version.state == State.WITHDRAWN, said


def republish(site, therapy, _):
    if live_version(therapy) is None:
        clear_the_way(site, therapy)
    if live_version(therapy) is None:
        revise(site, therapy, {}, "Back after a check.")


def publish_approved(site, therapy, _):
    version = open_version(therapy)
    if version is not None and not is_secret(version) and version.state != State.DRAFT:
        publish(site, version)


def save_secret_draft(site, therapy, submit_it):
    draft = start_draft(site, therapy)
    subpage = draft.subpages.order_by("pk").first()
    changes = {
        "name": site.unique(f"Name {NEVER_PUBLIC}"),
        "alternate_names": NEVER_PUBLIC,
        "summary": f"Summary {NEVER_PUBLIC}.",
        "body": f"{draft.body}\n\nBody {NEVER_PUBLIC}.",
        **({"is_sample": None} if draft.is_sample else {"is_sample": "on"}),
    }
    if subpage is not None:
        index = list(draft.subpages.order_by("pk")).index(subpage)
        changes[f"subpages-{index}-body"] = f"{subpage.body}\n\nSub-page {NEVER_PUBLIC}."
    post_version(site.researcher, draft, changes)
    if submit_it:
        submit(site, draft, f"Change summary {NEVER_PUBLIC}.")


def visit(site, _, __):
    fetch(public_urls())


ACTIONS = {
    action.__name__: action
    for action in [
        rename_therapy, toggle_sample, change_slug, rename_category, rename_person,
        edit_reference, edit_glossary_term, rename_attribute, rename_evidence_level, withdraw,
        republish, publish_approved, save_secret_draft, visit,
    ]
}  # fmt: skip


# Reading the public site


def public_urls() -> list[str]:
    """Every public page: the site's own, and each page of each published review."""
    urls = [
        reverse("home"), reverse("therapies:list"), reverse("therapies:glossary"),
        reverse("people:list"), reverse("ratings:methodology"), reverse("about"),
        reverse("therapies:updates_feed"), reverse("sitemap"),
    ]  # fmt: skip
    urls += [person.get_absolute_url() for person in Person.objects.order_by("pk")]
    slugs = []
    for version in ReviewVersion.objects.published().select_related("therapy").order_by("pk"):
        slug = version.therapy.slug
        slugs.append(slug)
        urls += [
            reverse("therapies:detail", args=[slug]),
            reverse("therapies:changes", args=[slug]),
            reverse("therapies:therapy_feed", args=[slug]),
        ]
        urls += [subpage.get_absolute_url() for subpage in version.subpages.order_by("kind")]
    if slugs:
        urls.append(f"{reverse('therapies:compare')}?{compare_query(slugs)}")
    return urls


def fetch(urls) -> dict[str, str]:
    reader = Client()
    pages = {}
    for url in urls:
        response = reader.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        pages[url] = response.content.decode()
    return pages


def render_everything_again() -> None:
    for version in current_versions():
        render_version(version)
    for term in GlossaryTerm.objects.all():
        render_glossary_term(term)
    for person in Person.objects.all():
        render_person(person)


def differences(before: dict, after: dict) -> list[str]:
    report = []
    for url, page in after.items():
        if before[url] != page:
            diff = difflib.unified_diff(
                before[url].splitlines(), page.splitlines(), "served", "fresh", lineterm="", n=1
            )
            report.append(f"{url}:\n" + "\n".join(itertools.islice(diff, 40)))
    return report


def check_site(site: Site) -> None:
    call_command("check_fragments")

    urls = public_urls()
    served = fetch(urls)
    render_everything_again()
    cache.clear()
    fresh = fetch(urls)
    stale = differences(served, fresh)
    assert not stale, "Served pages differ from a fresh render:\n" + "\n\n".join(stale)

    for url, page in fresh.items():
        assert NEVER_PUBLIC not in page, f"unapproved text on {url}"
        for name in site.unpublished_names.values():
            assert name not in page, f"the unpublished name {name!r} on {url}"
    reader = Client()
    for therapy in site.therapies:
        therapy.refresh_from_db()
        current = reverse("therapies:detail", args=[therapy.slug])
        for slug in set(site.slugs[therapy.pk]) - {therapy.slug}:
            response = reader.get(reverse("therapies:detail", args=[slug]))
            assert response.status_code == 301, slug
            assert response["Location"] == current
        if live_version(therapy) is None:
            version = latest_version(therapy)
            pages = [current, reverse("therapies:changes", args=[therapy.slug]),
                     reverse("therapies:therapy_feed", args=[therapy.slug])]  # fmt: skip
            pages += [reverse("therapies:subpage", args=[therapy.slug, kind])
                      for kind in SubPage.Kind.values]  # fmt: skip
            for url in pages:
                assert reader.get(url).status_code != 200, f"{url} of {version}"


steps = st.lists(
    st.tuples(st.sampled_from(sorted(ACTIONS)), st.integers(0, 1), st.booleans()),
    min_size=3,
    max_size=8,
)


@pytest.mark.django_db
@settings(
    max_examples=8,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_public_pages_stay_consistent_with_their_data(jobs, steps):
    with transaction.atomic():
        cache.clear()
        site = build_site()
        visit(site, None, None)
        for name, which, coin in steps:
            ACTIONS[name](site, site.therapies[which], coin)
        jobs()
        check_site(site)
        transaction.set_rollback(True)

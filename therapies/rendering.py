"""The stored HTML of Markdown texts, and the index of what each text cites and marks.

Only what is expensive or unsafe to redo on a public GET is stored: the sanitised HTML of each
Markdown text (a version's "at a glance", its rating notes and sub-pages, its findings' cited
sources; glossary definitions; people's biographies), the numbered references of each page
(``PageReference``) and the glossary terms a version marks (``ReviewVersion.marked_terms``).
Everything else on a page is composed by templates from current rows on each request.

A stored fragment depends on its own text and on the references and glossary terms it cites or
marks (their tooltips). The text of a version changes only while it is a draft; a shared record
changes for the public only by an approved change (``therapies.shared_changes``), after which
the background worker renders the versions that cite or mark it again
(``rerender_versions`` below). ``manage.py check_fragments`` proves stored equals fresh.
"""

from dataclasses import dataclass, field

from django.db import transaction
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from cancerchoices.cache import bump_public_content
from cancerchoices.markdown import MarkdownPage, render
from cancerchoices.tasks import run_like_a_request
from people.models import Person
from ratings.models import Rating

from .models import (
    Finding,
    GlossaryTerm,
    PageReference,
    ReviewVersion,
    SubPage,
    group_findings,
    markdown_page_for,
    page_id_prefix,
)


@dataclass
class VersionFragments:
    """Everything stored for one version, freshly rendered from its Markdown."""

    body_html: str = ""
    cautions_html: dict = field(default_factory=dict)  # caution field name -> HTML
    note_html: dict = field(default_factory=dict)  # rating pk -> HTML
    subpage_html: dict = field(default_factory=dict)  # sub-page pk -> HTML
    sources_html: dict = field(default_factory=dict)  # finding pk -> HTML of its citations
    # (sub-page pk or None for the main page, reference pk, number, times cited), in page order
    page_references: list = field(default_factory=list)
    marked_term_ids: set = field(default_factory=set)
    # Citations and terms that resolve to nothing ("@key", "[[term]]"): a version with any is
    # never published.
    missing: list = field(default_factory=list)
    # Findings without the research sub-page their citations are numbered on.
    findings_without_page: bool = False


def inline_html(text: str, page: MarkdownPage) -> str:
    """The HTML of a one-line text (a finding's citations) without its paragraph."""
    html = render(text, page).strip()
    if html.startswith("<p>") and html.endswith("</p>"):
        html = html[3:-4]
    return html


def fresh_fragments(version: ReviewVersion) -> VersionFragments:
    """Render ``version``'s Markdown as a save would, without storing anything.

    The main page numbers references across the cautions, the "at a glance" text and the
    rating notes, in page order; each sub-page numbers its own.
    """
    ratings = list(version.ratings.order_by("attribute__order"))
    subpages = list(version.subpages.all())
    findings = list(version.findings.select_related("attribute", "cancer_type"))
    cautions = {name: getattr(version, name) for name in ReviewVersion.CAUTION_FIELDS}
    shared = markdown_page_for(
        *cautions.values(),
        version.body,
        *(r.note for r in ratings),
        *(s.body for s in subpages),
        *(f.sources for f in findings),
    )
    fragments = VersionFragments()

    main = MarkdownPage(
        references=shared.references, terms=shared.terms, id_prefix=page_id_prefix(None)
    )
    for name, text in cautions.items():
        fragments.cautions_html[name] = render(text, main, top_level=4)
    fragments.body_html = render(version.body, main)
    for rating in ratings:
        fragments.note_html[rating.pk] = render(rating.note, main)
    pages = [(None, main)]
    findings_page = None
    for subpage in subpages:
        page = MarkdownPage(
            references=shared.references, terms=shared.terms, id_prefix=page_id_prefix(subpage)
        )
        fragments.subpage_html[subpage.pk] = render(subpage.body, page, top_level=2)
        pages.append((subpage.pk, page))
        if subpage.kind == SubPage.Kind.FINDINGS:
            findings_page = page
    if findings and findings_page is None:
        # Not stored as it is (``render_version`` adds the page first); rendered to report.
        fragments.findings_without_page = True
        findings_page = MarkdownPage(references=shared.references, id_prefix=SubPage.Kind.FINDINGS)
    # The research sub-page numbers its findings' citations after its text, in the order it
    # shows them.
    for benefit in group_findings(findings):
        for group in benefit.groups:
            for finding in group.findings:
                fragments.sources_html[finding.pk] = inline_html(finding.sources, findings_page)
    if fragments.findings_without_page:
        fragments.missing += findings_page.missing
    for subpage_pk, page in pages:
        fragments.page_references += [
            (subpage_pk, page.references[key].pk, number, page.citations[key])
            for key, number in page.numbers.items()
        ]
        fragments.marked_term_ids |= {term.pk for term in page.marked.values()}
        fragments.missing += [marker for marker in page.missing if marker not in fragments.missing]
    return fragments


def stored_fragments(version: ReviewVersion) -> VersionFragments:
    """What is stored for ``version`` now, in the shape of ``fresh_fragments``."""
    return VersionFragments(
        body_html=version.body_html,
        cautions_html={name: getattr(version, f"{name}_html") for name in version.CAUTION_FIELDS},
        note_html=dict(version.ratings.values_list("pk", "note_html")),
        subpage_html=dict(version.subpages.values_list("pk", "body_html")),
        sources_html=dict(version.findings.values_list("pk", "sources_html")),
        page_references=list(
            version.page_references.order_by("subpage_id", "number").values_list(
                "subpage_id", "reference_id", "number", "citation_count"
            )
        ),
        marked_term_ids=set(version.marked_terms.values_list("pk", flat=True)),
    )


def keep_findings_page(version: ReviewVersion) -> None:
    """The research sub-page exists when the version has findings (with an empty text if none
    was written), and an empty one goes with the last finding."""
    has_findings = version.findings.exists()
    page = version.subpages.filter(kind=SubPage.Kind.FINDINGS).first()
    if has_findings and page is None:
        SubPage.objects.create(version=version, kind=SubPage.Kind.FINDINGS, body="")
    elif not has_findings and page is not None and not page.body.strip() and not page.title:
        page.delete()


@transaction.atomic
def render_version(version: ReviewVersion) -> None:
    """Store the fragments of ``version``: its rendered Markdown and what it cites and marks."""
    keep_findings_page(version)
    fragments = fresh_fragments(version)
    stored = {"body_html": fragments.body_html}
    stored |= {f"{name}_html": html for name, html in fragments.cautions_html.items()}
    ReviewVersion.objects.filter(pk=version.pk).update(**stored)
    for name, html in stored.items():
        setattr(version, name, html)
    Rating.objects.bulk_update(
        [Rating(pk=pk, note_html=html) for pk, html in fragments.note_html.items()], ["note_html"]
    )
    SubPage.objects.bulk_update(
        [SubPage(pk=pk, body_html=html) for pk, html in fragments.subpage_html.items()],
        ["body_html"],
    )
    Finding.objects.bulk_update(
        [Finding(pk=pk, sources_html=html) for pk, html in fragments.sources_html.items()],
        ["sources_html"],
    )
    version.page_references.all().delete()
    PageReference.objects.bulk_create(
        PageReference(
            version=version,
            subpage_id=subpage,
            reference_id=reference,
            number=number,
            citation_count=citations,
        )
        for subpage, reference, number, citations in fragments.page_references
    )
    version.marked_terms.set(fragments.marked_term_ids)


def version_differences(version: ReviewVersion) -> list[str]:
    """How the fragments stored for ``version`` differ from a fresh render (none: empty)."""
    fresh, stored = fresh_fragments(version), stored_fragments(version)
    differences = []
    if fresh.body_html != stored.body_html:
        differences.append("the 'at a glance' text")
    for name, html in fresh.cautions_html.items():
        if html != stored.cautions_html.get(name):
            label = ReviewVersion._meta.get_field(name).verbose_name
            differences.append(f"the cautions' '{label}' text")
    for pk in fresh.note_html.keys() | stored.note_html.keys():
        if fresh.note_html.get(pk) != stored.note_html.get(pk):
            differences.append(f"the evidence note of rating {pk}")
    for pk in fresh.subpage_html.keys() | stored.subpage_html.keys():
        if fresh.subpage_html.get(pk) != stored.subpage_html.get(pk):
            differences.append(f"the text of sub-page {pk}")
    for pk in fresh.sources_html.keys() | stored.sources_html.keys():
        if fresh.sources_html.get(pk) != stored.sources_html.get(pk):
            differences.append(f"the citations of finding {pk}")
    if fresh.findings_without_page:
        differences.append("the research sub-page its findings are shown on")
    if sorted(fresh.page_references, key=str) != sorted(stored.page_references, key=str):
        differences.append("the numbered references")
    if fresh.marked_term_ids != stored.marked_term_ids:
        differences.append("the glossary terms it marks")
    return differences


def fresh_bio(person: Person) -> str:
    return render(person.bio, markdown_page_for(person.bio, id_prefix="bio"), top_level=2)


def fresh_definition(term: GlossaryTerm) -> str:
    return render(term.definition, markdown_page_for(term.definition, id_prefix=term.slug))


def render_person(person: Person) -> None:
    """Store the HTML of a person's biography."""
    person.bio_html = fresh_bio(person)
    Person.objects.filter(pk=person.pk).update(bio_html=person.bio_html)


def render_glossary_term(term: GlossaryTerm) -> None:
    """Store the HTML of a glossary term's longer definition."""
    term.definition_html = fresh_definition(term)
    GlossaryTerm.objects.filter(pk=term.pk).update(definition_html=term.definition_html)


def render_shared_texts() -> None:
    """Render every glossary definition and biography that cites or marks anything again."""
    for term in GlossaryTerm.objects.filter(definition__contains="["):
        render_glossary_term(term)
    for person in Person.objects.filter(bio__contains="["):
        render_person(person)


@app.task(
    queue="rendering",
    # A deadlock or a dropped connection is worth another try, 5 and then 25 seconds later.
    retry=RetryStrategy(max_attempts=2, exponential_wait=5),
    task_middleware=[run_like_a_request],
)
def rerender_versions(version_ids: list[int]) -> None:
    """Render the stored HTML of these versions again (those that still exist), after a change
    to something they show, such as a reference or a glossary term; and the glossary's longer
    definitions and people's biographies, which may cite or mark it too (a few dozen texts).
    Queued by ``therapies.shared_changes`` when a change is approved."""
    for pk in sorted(set(version_ids)):
        with transaction.atomic():
            # Locked, so a draft saved meanwhile is rendered from its new text, never the old.
            version = ReviewVersion.objects.select_for_update().filter(pk=pk).first()
            if version is not None:
                render_version(version)
    render_shared_texts()
    bump_public_content()


def current_versions():
    """Versions whose pages anyone may still see: the live ones and the open drafts."""
    return ReviewVersion.objects.filter(
        state__in=[ReviewVersion.State.PUBLISHED, *ReviewVersion.OPEN_STATES]
    )


def versions_citing(reference) -> list[int]:
    """Ids of the current versions whose pages cite ``reference``."""
    return list(
        current_versions()
        .filter(page_references__reference=reference)
        .distinct()
        .values_list("pk", flat=True)
    )


def versions_marking(term: GlossaryTerm) -> list[int]:
    """Ids of the current versions whose texts mark ``term``."""
    return list(current_versions().filter(marked_terms=term).values_list("pk", flat=True))


def after_migrate(**kwargs) -> None:
    """Start a new content generation after ``migrate``, which every release runs, so that no
    page cached by the previous code is served again."""
    bump_public_content()

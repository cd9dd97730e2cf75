"""Writes that touch several models. Each runs in one transaction."""

from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string

from cancerchoices.cache import bump_public_content
from people.models import Person
from ratings.models import Rating

from .markdown import PageContext, page_context_for, render
from .models import GlossaryTerm, PageReference, ReviewVersion, SubPage


@transaction.atomic
def render_version(version: ReviewVersion) -> None:
    """Render a version's Markdown to stored HTML and rebuild its numbered reference lists.

    The main page numbers references across the "at a glance" text and the rating notes, in
    page order; each sub-page numbers its own.
    """
    ratings = list(version.ratings.order_by("attribute__order"))
    subpages = list(version.subpages.all())
    shared = page_context_for(version.body, *(r.note for r in ratings), *(s.body for s in subpages))

    main = PageContext(references=shared.references, terms=shared.terms, id_prefix="main")
    version.body_html = render(version.body, main)
    ReviewVersion.objects.filter(pk=version.pk).update(body_html=version.body_html)
    for rating in ratings:
        rating.note_html = render(rating.note, main)
    Rating.objects.bulk_update(ratings, ["note_html"])

    version.page_references.all().delete()
    rows = _reference_rows(version, None, main)
    version.references_html = _reference_list(rows)
    for subpage in subpages:
        page = PageContext(references=shared.references, terms=shared.terms, id_prefix=subpage.kind)
        subpage.body_html = render(subpage.body, page, top_level=2)
        subpage_rows = _reference_rows(version, subpage, page)
        subpage.references_html = _reference_list(subpage_rows)
        rows += subpage_rows
    ReviewVersion.objects.filter(pk=version.pk).update(references_html=version.references_html)
    SubPage.objects.bulk_update(subpages, ["body_html", "references_html"])
    PageReference.objects.bulk_create(rows)
    bump_public_content()


def _reference_list(rows: list[PageReference]) -> str:
    """The numbered reference list of one page, as stored HTML (public GETs only read it)."""
    return render_to_string("includes/reference_items.html", {"rows": rows}) if rows else ""


def rerender_citing(reference) -> None:
    """A reference's details changed: re-render the pages that show them (tooltips, lists)."""
    for version in ReviewVersion.objects.filter(page_references__reference=reference).distinct():
        render_version(version)


def rerender_mentioning(term: GlossaryTerm) -> None:
    """A glossary definition changed: re-render the versions whose text may mark the term."""
    forms = [term.slug, *term.all_forms]
    mentions = Q()
    for form in forms:
        mentions |= Q(body__icontains=form) | Q(ratings__note__icontains=form)
        mentions |= Q(subpages__body__icontains=form)
    for version in ReviewVersion.objects.filter(mentions).distinct():
        render_version(version)


def _reference_rows(version, subpage, page: PageContext) -> list[PageReference]:
    return [
        PageReference(version=version, subpage=subpage, reference=page.references[key], number=n)
        for key, n in page.numbers.items()
    ]


def reindex_therapy(therapy) -> None:
    """A therapy's name or alternate names changed: its versions' search documents follow."""
    for version in therapy.versions.select_related("therapy"):
        version.index_for_search()


def render_person(person: Person) -> None:
    person.bio_html = render(person.bio, page_context_for(person.bio, id_prefix="bio"), top_level=2)
    Person.objects.filter(pk=person.pk).update(bio_html=person.bio_html)
    bump_public_content()


def render_glossary_term(term: GlossaryTerm) -> None:
    term.definition_html = render(
        term.definition, page_context_for(term.definition, id_prefix=term.slug)
    )
    GlossaryTerm.objects.filter(pk=term.pk).update(definition_html=term.definition_html)
    bump_public_content()

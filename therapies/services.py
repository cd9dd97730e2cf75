"""Writes that touch several models. Each runs in one transaction."""

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from cancerchoices.cache import bump_public_content
from people.models import Person
from ratings.models import Attribute, Rating

from .markdown import PageContext, page_context_for, render
from .models import GlossaryTerm, PageReference, ReviewVersion, SubPage
from .structured_data import json_ld, medical_web_page


@transaction.atomic
def render_version(version: ReviewVersion) -> None:
    """Render a version's Markdown to stored HTML and rebuild its numbered reference lists.

    The main page numbers references across the "at a glance" text and the rating notes, in
    page order; each sub-page numbers its own.
    """
    ratings = list(version.ratings.select_related("evidence_level").order_by("attribute__order"))
    subpages = list(version.subpages.all())
    shared = page_context_for(version.body, *(r.note for r in ratings), *(s.body for s in subpages))

    main = PageContext(references=shared.references, terms=shared.terms, id_prefix="main")
    version.body_html = render(version.body, main)
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
    SubPage.objects.bulk_update(subpages, ["body_html", "references_html"])
    PageReference.objects.bulk_create(rows)
    render_main_page(version, ratings, subpages)


def render_main_page(version: ReviewVersion, ratings=None, subpages=None) -> None:
    """Store the main page of ``version`` (from its rendered Markdown, ratings, credits, dates
    and approval), its JSON-LD and its sub-page links, with the rendered Markdown itself.

    ``render_version`` calls this with what it loaded; each workflow step calls it alone, as
    approving and publishing change what the page says of who reviewed it and when.
    """
    if ratings is None:
        ratings = list(version.ratings.select_related("evidence_level"))
    if subpages is None:
        subpages = list(version.subpages.all())
    therapy = version.therapy
    by_attribute = {rating.attribute_id: rating for rating in ratings}
    credits = list(version.credits.select_related("person"))
    kinds = {subpage.kind for subpage in subpages}
    version.subpage_links = [
        [kind, label, reverse("therapies:subpage", args=[therapy.slug, kind])]
        for kind, label in SubPage.Kind.choices  # in reading order
        if kind in kinds
    ]
    context = {
        "therapy": therapy,
        "version": version,
        "rating_rows": [(a, by_attribute.get(a.pk)) for a in Attribute.objects.all()],
        "methodology_url": reverse("ratings:methodology"),
        "credits": credits,
        "references_html": version.references_html,
    }
    version.header_html = render_to_string("includes/therapy_header.html", context)
    version.article_html = render_to_string("includes/review_article.html", context)
    version.structured_data = json_ld(medical_web_page(version, credits))
    ReviewVersion.objects.filter(pk=version.pk).update(
        body_html=version.body_html,
        references_html=version.references_html,
        header_html=version.header_html,
        article_html=version.article_html,
        structured_data=version.structured_data,
        subpage_links=version.subpage_links,
    )
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
    for version in _current_versions().filter(mentions).distinct():
        render_version(version)


def _reference_rows(version, subpage, page: PageContext) -> list[PageReference]:
    return [
        PageReference(version=version, subpage=subpage, reference=page.references[key], number=n)
        for key, n in page.numbers.items()
    ]


def _current_versions():
    """Versions whose stored pages anyone may still see: the live ones and the open drafts."""
    return ReviewVersion.objects.filter(
        state__in=[ReviewVersion.State.PUBLISHED, *ReviewVersion.OPEN_STATES]
    ).select_related("therapy")


def rerender_therapy(therapy) -> None:
    """A therapy's name or alternate names changed: search and stored pages follow."""
    for version in therapy.versions.select_related("therapy"):
        version.index_for_search()
    for version in _current_versions().filter(therapy=therapy):
        render_version(version)


def rerender_crediting(person: Person) -> None:
    """A person's card changed: re-render the pages that credit them or name them as the
    clinical reviewer who approved them."""
    crediting = Q(credits__person=person)
    if person.user_id:
        crediting |= Q(approved_by=person.user_id)
    for version in _current_versions().filter(crediting).distinct():
        render_version(version)


def after_migrate(using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """After ``migrate``, which every release runs: store the pages of current versions that
    have none stored (saved before a release that stores more of each page), and start a new
    content generation, so that no page cached by the previous code is served again."""
    if using == DEFAULT_DB_ALIAS:
        for version in _current_versions().filter(article_html=""):
            render_version(version)
        bump_public_content()


def rerender_all() -> int:
    """Attributes or evidence levels changed: every current page shows them."""
    versions = list(_current_versions())
    for version in versions:
        render_version(version)
    return len(versions)


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

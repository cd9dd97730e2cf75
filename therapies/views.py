from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import ListView, TemplateView

from people.models import Credit
from ratings.models import Attribute, Rating

from .models import CancerType, GlossaryTerm, ReviewVersion, SubPage
from .search import TherapySearchForm
from .side_by_side import MAX_COMPARED, compare_therapies
from .structured_data import json_ld, medical_web_page


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        recent = (
            ReviewVersion.objects.published()
            .select_related("therapy")
            .order_by("-last_updated", "therapy__name")[:6]
        )
        return super().get_context_data(
            recent_versions=recent,
            cancer_types=CancerType.objects.with_published_reviews(),
            goals=Attribute.objects.filter(is_evidence_based=True),
            **kwargs,
        )


class TherapyListView(ListView):
    """The A to Z index, with search and filters from the query string."""

    template_name = "therapies/therapy_list.html"
    context_object_name = "versions"
    paginate_by = 30

    def get_queryset(self):
        self.form = TherapySearchForm(self.request.GET)
        return self.form.filter(
            ReviewVersion.objects.published().select_related("therapy__category")
        )

    def paginate_queryset(self, queryset, page_size):
        # A page number out of range or not a number shows the nearest page, not a 404.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=self.form, **kwargs)


class CompareView(TemplateView):
    template_name = "therapies/compare.html"

    def get_context_data(self, **kwargs):
        comparison = compare_therapies(self.request.GET)
        return super().get_context_data(comparison=comparison, max_compared=MAX_COMPARED, **kwargs)


def page_context(
    version: ReviewVersion, subpage: SubPage | None = None, subpages: list | None = None
) -> dict:
    """What every page of a review shows: the therapy, its sub-page links, its references."""
    if subpages is None:  # the links need only kind and title, not the pages' text
        subpages = SubPage.objects.filter(version=version).only("kind", "title", "version")
    return {
        "therapy": version.therapy,
        "version": version,
        "subpages": sorted(subpages, key=lambda page: SubPage.Kind.values.index(page.kind)),
        "references_html": (subpage or version).references_html,
    }


def review_context(request, version: ReviewVersion) -> dict:
    """The main review page of ``version``; the admin's preview renders the same."""
    ratings = {
        r.attribute_id: r
        for r in Rating.objects.filter(version=version).select_related("evidence_level")
    }
    rows = [(attribute, ratings.get(attribute.pk)) for attribute in Attribute.objects.all()]
    credits = Credit.objects.filter(version=version).select_related("person")
    return {
        "rating_rows": rows,
        "credits": credits,
        "structured_data": json_ld(medical_web_page(request, version, credits)),
        **page_context(version),
    }


def subpage_context(version: ReviewVersion, kind: str) -> dict:
    if kind not in SubPage.Kind.values:
        raise Http404("No such page")
    subpages = list(SubPage.objects.filter(version=version))
    subpage = next((page for page in subpages if page.kind == kind), None)
    if subpage is None:
        raise Http404("This review has no such page")
    for page in subpages:
        page.version = version  # already loaded; spares a query for the heading
    return {"subpage": subpage, **page_context(version, subpage, subpages)}


class PublishedVersionMixin:
    """Resolves the published version of the therapy named in the URL, or 404."""

    def get_version(self) -> ReviewVersion:
        return get_object_or_404(
            ReviewVersion.objects.published().select_related(
                "therapy__category", "approved_by__person"
            ),
            therapy__slug=self.kwargs["slug"],
        )


class TherapyDetailView(PublishedVersionMixin, TemplateView):
    template_name = "therapies/therapy_detail.html"

    def get_context_data(self, **kwargs):
        context = review_context(self.request, self.get_version())
        return super().get_context_data(**context, **kwargs)


class SubPageView(PublishedVersionMixin, TemplateView):
    template_name = "therapies/subpage.html"

    def get_context_data(self, **kwargs):
        context = subpage_context(self.get_version(), self.kwargs["kind"])
        return super().get_context_data(**context, **kwargs)


class ChangesView(PublishedVersionMixin, TemplateView):
    """The public "what changed" list, from the change summaries of published versions."""

    template_name = "therapies/changes.html"

    def get_context_data(self, **kwargs):
        version = self.get_version()
        history = (
            ReviewVersion.objects.public_history()
            .filter(therapy=version.therapy)
            .order_by("-published_at")
        )
        return super().get_context_data(history=history, **page_context(version), **kwargs)


class GlossaryView(ListView):
    template_name = "therapies/glossary.html"
    context_object_name = "terms"
    model = GlossaryTerm


class AboutView(TemplateView):
    template_name = "about.html"


class RobotsView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        sitemap_url = self.request.build_absolute_uri(reverse("sitemap"))
        return super().get_context_data(sitemap_url=sitemap_url, **kwargs)

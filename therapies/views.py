from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import ListView, TemplateView

from people.models import Credit
from ratings.models import Attribute, Rating

from .models import GlossaryTerm, PageReference, ReviewVersion, SubPage


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        recent = (
            ReviewVersion.objects.published()
            .select_related("therapy")
            .order_by("-last_updated", "therapy__name")[:6]
        )
        return super().get_context_data(recent_versions=recent, **kwargs)


class TherapyListView(ListView):
    template_name = "therapies/therapy_list.html"
    context_object_name = "versions"
    paginate_by = 30

    def get_queryset(self):
        return (
            ReviewVersion.objects.published()
            .select_related("therapy__category")
            .order_by("therapy__name")
        )


class PublishedVersionMixin:
    """Resolves the published version of the therapy named in the URL, or 404."""

    def get_version(self) -> ReviewVersion:
        return get_object_or_404(
            ReviewVersion.objects.published().select_related("therapy__category"),
            therapy__slug=self.kwargs["slug"],
        )

    def page_context(self, version: ReviewVersion, subpage: SubPage | None) -> dict:
        return {
            "therapy": version.therapy,
            "version": version,
            "subpages": SubPage.objects.filter(version=version).only("kind", "title", "version"),
            "references": PageReference.objects.filter(version=version, subpage=subpage)
            .select_related("reference")
            .order_by("number"),
        }


class TherapyDetailView(PublishedVersionMixin, TemplateView):
    template_name = "therapies/therapy_detail.html"

    def get_context_data(self, **kwargs):
        version = self.get_version()
        ratings = {
            r.attribute_id: r
            for r in Rating.objects.filter(version=version).select_related("evidence_level")
        }
        rows = [(attribute, ratings.get(attribute.pk)) for attribute in Attribute.objects.all()]
        credits = Credit.objects.filter(version=version).select_related("person")
        return super().get_context_data(
            rating_rows=rows,
            credits=credits,
            **self.page_context(version, None),
            **kwargs,
        )


class SubPageView(PublishedVersionMixin, TemplateView):
    template_name = "therapies/subpage.html"

    def get_context_data(self, **kwargs):
        version = self.get_version()
        if self.kwargs["kind"] not in SubPage.Kind.values:
            raise Http404("No such page")
        subpage = get_object_or_404(SubPage, version=version, kind=self.kwargs["kind"])
        subpage.version = version  # already loaded; spares a query for the heading
        return super().get_context_data(
            subpage=subpage, **self.page_context(version, subpage), **kwargs
        )


class GlossaryView(ListView):
    template_name = "therapies/glossary.html"
    context_object_name = "terms"
    model = GlossaryTerm


class AboutView(TemplateView):
    template_name = "about.html"

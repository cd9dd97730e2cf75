from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, FormView, ListView, TemplateView, View

from people.models import Credit, Person
from ratings.models import Attribute

from .addresses import current_slug, therapy_url_maker
from .comparison import MAX_COMPARED, CompareForm, best_match
from .contact import (
    ContactForm,
    count_message,
    over_rate_limit,
    own_page,
    prefilled,
    send_contact_message,
)
from .guides import OVERVIEW_SIZE, GuideForm, build_guide
from .models import AuditEntry, CancerType, GlossaryTerm, ReviewVersion
from .pages import main_page_context, review_context, subpage_context
from .rating_history import rating_timelines
from .search import Search, SearchForm


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        recent = list(
            ReviewVersion.objects.published()
            .order_by("-last_updated", "name")
            .values("name", "therapy__slug", "summary", "last_updated")[:6]
        )
        therapy_url = therapy_url_maker()
        for version in recent:
            version["url"] = therapy_url(version["therapy__slug"])
        return super().get_context_data(
            recent_versions=recent,
            cancer_types=CancerType.objects.with_published_findings().values(
                "slug", "name", "therapy_count"
            ),
            goals=Attribute.objects.filter(is_evidence_based=True).values(
                "code", "label", "rated_on"
            ),
            **kwargs,
        )


class TherapyListView(TemplateView):
    """The A to Z index, with search and filters from the query string."""

    template_name = "therapies/therapy_list.html"
    # The page cache keys on these (cancerchoices.middleware); a search is never cached.
    cached_query = ("category", "cancer", "attribute", "min", "sort", "page")
    uncached_query = ("q",)

    def get(self, request, *args, **kwargs):
        # The cache middleware sends other addresses to their canonical form; a search's
        # address loses its empty fields here.
        filled = [(name, value) for name, value in request.GET.items() if value.strip()]
        if len(filled) < len(request.GET):
            query = urlencode(filled)
            return HttpResponsePermanentRedirect(
                f"{request.path}?{query}" if query else request.path
            )
        response = super().get(request, *args, **kwargs)
        form, page = response.context_data["form"], response.context_data["page_obj"]
        asked_page = request.GET.get("page")
        if form.errors or (asked_page and asked_page != str(page.number)):
            # Values we could not use: a page, but not one to keep under this address.
            patch_cache_control(response, no_cache=True)
        return response

    def get_context_data(self, **kwargs):
        form = SearchForm(self.request.GET)
        search = Search(form)
        page = search.page
        return super().get_context_data(
            form=form,
            search=search,
            versions=page.object_list,
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.paginator.num_pages > 1,
            # Page 1's address has no page number.
            previous_page_query=form.query_string(
                page=page.number - 1 if page.number > 2 else None
            ),
            next_page_query=form.query_string(page=page.number + 1),
            suggest_url=f"{reverse('therapies:contact')}?"
            + urlencode({"kind": "suggestion", "therapy": search.text}),
            **kwargs,
        )


class CompareView(TemplateView):
    template_name = "therapies/compare.html"
    cached_query = ("therapies",)
    uncached_query = ("add",)

    def get(self, request, *args, **kwargs):
        self.form = CompareForm(request.GET)
        self.form.is_valid()  # always: what cannot be used is named on the page, not refused
        # "Add a therapy" names one; the comparison's address then lists it like the others.
        slug = best_match(self.form.cleaned_data["add"])
        if slug:
            return redirect(f"{reverse('therapies:compare')}?{self.form.with_added(slug)}")

        response = super().get(request, *args, **kwargs)
        if response.context_data["comparison"].needs_a_word:
            patch_cache_control(response, no_cache=True)  # not an address to keep
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            form=self.form,
            comparison=self.form.comparison(),
            max_compared=MAX_COMPARED,
            **kwargs,
        )


def follow_former_slug(view):
    """A therapy's old address answers 301 to the same page at its new one."""

    @wraps(view)
    def wrapped(request, *args, slug, **kwargs):
        try:
            return view(request, *args, slug=slug, **kwargs)
        except Http404:
            new_slug = current_slug(slug)
            if new_slug is None:
                raise
            match = request.resolver_match
            url = reverse(match.view_name, kwargs={**match.kwargs, "slug": new_slug})
            if request.GET:
                url += "?" + request.GET.urlencode()
            return HttpResponsePermanentRedirect(url)

    return wrapped


def last_public_version(slug: str) -> ReviewVersion:
    """The version of the therapy at ``slug`` the public sees: the published one; for a review
    withdrawn since, the withdrawn one; or 404."""
    first_published = (
        ReviewVersion.objects.public_history()
        .filter(therapy=OuterRef("therapy"))
        .order_by("published_at")
        .values("published_at")[:1]
    )
    versions = (
        ReviewVersion.objects.for_public_page()
        .filter(therapy__slug=slug)
        # For the JSON-LD's datePublished: when the review was first published, in the same query.
        .annotate(first_published=Subquery(first_published))
    )
    version = versions.published().first()
    if version is None:
        withdrawn = versions.filter(state=ReviewVersion.State.WITHDRAWN)
        version = withdrawn.order_by("-number").first()
    if version is None:
        raise Http404("No such review")
    return version


class ReviewPageView(TemplateView):
    """A page of a published review; for a withdrawn review, the notice that it was."""

    def get(self, request, *args, **kwargs):
        version = last_public_version(kwargs["slug"])
        if version.state == ReviewVersion.State.WITHDRAWN:
            context = {
                "therapy": version.therapy,
                "version": version,
                "withdrawal": version.audit.filter(action="withdraw").first(),
            }
            return TemplateResponse(request, "therapies/withdrawn.html", context, status=410)
        context = self.get_context_data(version=version, **kwargs)
        return self.render_to_response(context)


class TherapyDetailView(ReviewPageView):
    template_name = "therapies/therapy_detail.html"

    def get_context_data(self, *, version, **kwargs):
        return super().get_context_data(**main_page_context(version), **kwargs)


class SubPageView(ReviewPageView):
    template_name = "therapies/subpage.html"

    def get_context_data(self, *, version, **kwargs):
        context = subpage_context(version, self.kwargs["kind"])
        return super().get_context_data(**context, **kwargs)


class RatingHistoryView(ReviewPageView):
    """How each of a review's ratings has changed: every published change of each attribute's
    score and evidence level. Withdrawn with the review, like its other pages."""

    template_name = "therapies/rating_history.html"

    def get_context_data(self, *, version, **kwargs):
        timelines = rating_timelines(version.therapy_id)
        return super().get_context_data(**review_context(version), timelines=timelines, **kwargs)


class ChangesView(TemplateView):
    """The public "what changed" list: the change summaries of every version the public saw,
    and each withdrawal with its reason. It stays public after a review is withdrawn."""

    template_name = "therapies/changes.html"

    def get_context_data(self, **kwargs):
        version = last_public_version(self.kwargs["slug"])
        published = ReviewVersion.objects.public_history().filter(therapy=version.therapy_id)
        withdrawals = AuditEntry.objects.filter(
            version__therapy=version.therapy_id, action="withdraw"
        )
        events = [(v.published_at, "published", v) for v in published]
        events += [(entry.created_at, "withdrawn", entry) for entry in withdrawals]
        events.sort(key=lambda event: event[0], reverse=True)
        return super().get_context_data(
            events=events, therapy=version.therapy, version=version, **kwargs
        )


class GlossaryView(ListView):
    template_name = "therapies/glossary.html"
    context_object_name = "terms"
    model = GlossaryTerm


class AboutView(TemplateView):
    template_name = "about.html"


class AccessibilityView(TemplateView):
    template_name = "accessibility.html"


class PrivacyView(TemplateView):
    template_name = "privacy.html"


class FaviconView(View):
    """/favicon.ico, which browsers and feed readers ask for whatever a page links to. The
    page cache stores it like a page (its ETag and max-age included)."""

    def get(self, request):
        icon = Path(finders.find("img/favicon.ico")).read_bytes()
        return HttpResponse(icon, content_type="image/vnd.microsoft.icon")


@method_decorator(never_cache, name="dispatch")
class ContactView(FormView):
    """The contact page: a question, an error on a page, a therapy to review (therapies.contact).
    Never cached: it carries a CSRF token, and what it shows depends on the link followed."""

    template_name = "therapies/contact.html"
    form_class = ContactForm
    # Links fill in the form ("Report an error on this page"); the page cache lets them through.
    uncached_query = ("kind", "about", "therapy", "sent")

    def get_initial(self):
        return prefilled(self.request.GET)

    def get_context_data(self, **kwargs):
        sent = self.request.GET.get("sent")
        return super().get_context_data(
            sent=sent in {"reply", "no-reply"},
            reply_expected=sent == "reply",
            back_to=own_page(self.request.GET.get("about", "")),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if not form.is_valid():
            return self.form_invalid(form)
        if over_rate_limit(request):
            # Nothing lost: the form comes back as sent, to send later or copy elsewhere.
            context = self.get_context_data(form=form, rate_limited=True)
            return self.render_to_response(context, status=429)
        count_message(request)
        send_contact_message(form=form)
        query = {"sent": "reply" if form.cleaned_data["email"] else "no-reply"}
        if form.cleaned_data["page"]:
            query["about"] = form.cleaned_data["page"]
        return redirect(f"{reverse('therapies:contact')}?{urlencode(query)}")


class RobotsView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        sitemap_url = settings.SITE_URL + reverse("sitemap")
        return super().get_context_data(sitemap_url=sitemap_url, **kwargs)


class PersonListView(ListView):
    model = Person
    template_name = "people/person_list.html"
    context_object_name = "people"


class PersonDetailView(DetailView):
    """A person, with the published reviews they worked on."""

    model = Person
    template_name = "people/person_detail.html"
    context_object_name = "person"

    def get_context_data(self, **kwargs):
        credits = (
            Credit.objects.filter(person=self.object)
            .filter(version__in=ReviewVersion.objects.published())
            .select_related("version__therapy")
            .order_by("version__name")
        )
        return super().get_context_data(credits=credits, **kwargs)


class CancerTypeListView(TemplateView):
    """The cancer-type guides: every cancer type with published findings, with how many
    therapies and findings each has."""

    template_name = "therapies/cancer_type_list.html"

    def get_context_data(self, **kwargs):
        cancer_types = CancerType.objects.with_published_findings()
        return super().get_context_data(cancer_types=cancer_types, **kwargs)


class CancerTypeGuideView(TemplateView):
    """A cancer-type guide (therapies.guides): per benefit, the therapies with published
    findings for the cancer type, best evidence first, each benefit's best few on the overview
    and all of them, paged, on its own; filtered by benefit and level."""

    template_name = "therapies/cancer_type_guide.html"
    # The page cache keys on these (cancerchoices.middleware).
    cached_query = (*GuideForm.FILTERS, "page")

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.context_data["form"].errors:
            # Values we could not use: a page, but not one to keep under this address.
            patch_cache_control(response, no_cache=True)
        return response

    def get_context_data(self, **kwargs):
        cancer_type = get_object_or_404(CancerType, slug=self.kwargs["slug"])
        form = GuideForm(self.request.GET)
        guide = build_guide(cancer_type, form)
        pages = {}
        if guide.page and guide.page.has_previous():
            pages["previous_page_query"] = form.query_string(page=guide.page.previous_page_number())
        if guide.page and guide.page.has_next():
            pages["next_page_query"] = form.query_string(page=guide.page.next_page_number())
        return super().get_context_data(
            cancer_type=cancer_type,
            form=form,
            guide=guide,
            guide_address=settings.SITE_URL
            + reverse("therapies:cancer_type", args=[cancer_type.slug]),
            overview_size=OVERVIEW_SIZE,
            **pages,
            today=timezone.localdate(),
            **kwargs,
        )

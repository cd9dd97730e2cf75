"""The sitemap lists every public page: site pages, published reviews and their people."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.db.models import Max
from django.urls import reverse

from people.models import Person

from .models import CancerType, ReviewVersion, SubPage, published_rule


class Sitemap(DjangoSitemap):
    """Addresses on the site's own address (SITE_URL), never the Host a request came with."""

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme


class SitePageSitemap(Sitemap):
    def items(self):
        return [
            "home",
            "therapies:list",
            "therapies:cancer_types",
            "ratings:methodology",
            "therapies:glossary",
            "therapies:people",
            "about",
            "accessibility",
            "privacy",
        ]

    def location(self, name):
        return reverse(name)


class TherapySitemap(Sitemap):
    def items(self):
        return ReviewVersion.objects.published().select_related("therapy").order_by("name")

    def location(self, version):
        return version.therapy.get_absolute_url()

    def lastmod(self, version):
        return version.public_modified


class ChangesSitemap(TherapySitemap):
    """Each review's "what changed" page."""

    def location(self, version):
        return reverse("therapies:changes", args=[version.therapy.slug])


class RatingHistorySitemap(TherapySitemap):
    """Each review's page of rating changes."""

    def location(self, version):
        return reverse("therapies:ratings", args=[version.therapy.slug])


class SubPageSitemap(Sitemap):
    def items(self):
        return (
            SubPage.objects.filter(version__in=ReviewVersion.objects.published())
            .select_related("version__therapy")
            .order_by("version__name", "kind")
        )

    def lastmod(self, subpage):
        return subpage.version.public_modified


class CancerTypeGuideSitemap(Sitemap):
    """Each cancer type's guide: those with published findings."""

    def items(self):
        published = published_rule("findings__version__")
        newest = Max("findings__version__published_at", filter=published)
        return CancerType.objects.with_published_findings().annotate(last_published=newest)

    def location(self, cancer_type):
        return reverse("therapies:cancer_type", args=[cancer_type.slug])

    def lastmod(self, cancer_type):
        return cancer_type.last_published


class PersonSitemap(Sitemap):
    def items(self):
        return Person.objects.filter(
            credits__version__in=ReviewVersion.objects.published()
        ).distinct()


sitemaps = {
    "pages": SitePageSitemap,
    "therapies": TherapySitemap,
    "subpages": SubPageSitemap,
    "changes": ChangesSitemap,
    "ratings": RatingHistorySitemap,
    "cancer types": CancerTypeGuideSitemap,
    "people": PersonSitemap,
}

"""A therapy's address: changed only by editors, and every old address keeps working."""

from django.db import transaction
from django.urls import reverse

from .models import FormerSlug, Therapy


@transaction.atomic
def change_slug(*, therapy: Therapy, new_slug: str) -> None:
    """Give ``therapy`` the address ``new_slug``; its old one answers 301 from now on."""
    old_slug = Therapy.objects.select_for_update().values_list("slug", flat=True).get(pk=therapy.pk)
    if old_slug == new_slug:
        return
    # An address another therapy gave up now belongs to this one, and no longer redirects.
    FormerSlug.objects.filter(slug=new_slug).delete()
    FormerSlug.objects.update_or_create(slug=old_slug, defaults={"therapy": therapy})
    therapy.slug = new_slug
    therapy.save()


def current_slug(former_slug: str) -> str | None:
    """The address now used by the therapy that was at ``former_slug``, if any."""
    return (
        FormerSlug.objects.filter(slug=former_slug).values_list("therapy__slug", flat=True).first()
    )


def therapy_url_maker(view_name: str = "therapies:detail", **kwargs):
    """A function from a slug to the address of that therapy's page ``view_name`` (with
    ``kwargs``: a sub-page's kind), reversing the pattern once rather than once a row."""
    placeholder = "slug-placeholder"
    url = reverse(view_name, kwargs={"slug": placeholder, **kwargs})
    before, after = url.split(placeholder)
    return lambda slug: f"{before}{slug}{after}"

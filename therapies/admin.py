from django.contrib import admin
from django.utils.html import format_html
from markdownx.admin import MarkdownxModelAdmin

from people.models import Credit
from ratings.models import Rating

from .models import (
    CancerType,
    Category,
    GlossaryTerm,
    PageReference,
    Reference,
    ReviewVersion,
    SubPage,
    Therapy,
)
from .services import render_glossary_term, render_version


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(CancerType)
class CancerTypeAdmin(admin.ModelAdmin):
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class VersionLinkInline(admin.TabularInline):
    model = ReviewVersion
    fields = ["number", "state", "last_updated", "literature_reviewed"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = "Versions of this review"


@admin.register(Therapy)
class TherapyAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "is_sample"]
    list_filter = ["category", "cancer_types", "is_sample"]
    search_fields = ["name", "alternate_names", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["cancer_types"]
    inlines = [VersionLinkInline]


class RatingInline(admin.StackedInline):
    model = Rating
    extra = 0
    max_num = 7
    fields = [("attribute", "score", "evidence_level"), "note"]


class SubPageInline(admin.StackedInline):
    model = SubPage
    extra = 0
    max_num = len(SubPage.Kind.choices)
    fields = [("kind", "title"), "body"]


class CreditInline(admin.TabularInline):
    model = Credit
    extra = 0
    fields = ["person", "role", "order"]
    autocomplete_fields = ["person"]


class PageReferenceInline(admin.TabularInline):
    """The numbered references, as the public pages will list them (worked out on save)."""

    model = PageReference
    fields = ["page", "number", "reference"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name_plural = "References cited (numbered on save, in order of first citation)"

    @admin.display(description="Page")
    def page(self, row):
        return row.subpage.get_kind_display() if row.subpage else "Main review"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reference", "subpage")


@admin.register(ReviewVersion)
class ReviewVersionAdmin(MarkdownxModelAdmin):
    list_display = ["therapy", "number", "state", "last_updated", "literature_reviewed"]
    list_filter = ["state", "therapy__category"]
    search_fields = ["therapy__name", "summary"]
    list_select_related = ["therapy"]
    readonly_fields = ["public_page"]
    fieldsets = [
        (None, {"fields": ["therapy", "state", "public_page", "summary", "body"]}),
        ("Dates", {"fields": ["last_updated", "literature_reviewed"]}),
    ]
    inlines = [RatingInline, SubPageInline, CreditInline, PageReferenceInline]

    @admin.display(description="Public page")
    def public_page(self, version):
        if version.pk and version.state == ReviewVersion.State.PUBLISHED:
            url = version.therapy.get_absolute_url()
            return format_html('<a href="{}">{}</a>', url, url)
        return "Not public"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        render_version(form.instance)


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "authors", "year", "kind"]
    list_filter = ["kind", "year"]
    search_fields = ["key", "title", "authors", "doi", "pmid"]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(MarkdownxModelAdmin):
    list_display = ["term", "short_definition"]
    search_fields = ["term", "variants", "short_definition"]
    prepopulated_fields = {"slug": ["term"]}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        render_glossary_term(obj)

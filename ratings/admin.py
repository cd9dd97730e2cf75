from django.contrib import admin, messages

from therapies.services import rerender_all

from .models import Attribute, EvidenceLevel


class RerenderOnSaveMixin:
    """Every review page shows attributes and evidence levels: render them all again."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        count = rerender_all()
        messages.info(request, f"{count} review pages were updated to show this change.")


@admin.register(Attribute)
class AttributeAdmin(RerenderOnSaveMixin, admin.ModelAdmin):
    list_display = ["label", "code", "is_evidence_based", "order"]
    search_fields = ["label", "code"]

    def get_readonly_fields(self, request, obj=None):
        # Code refers to attributes by code, so it is fixed once created.
        return ["code"] if obj else []


@admin.register(EvidenceLevel)
class EvidenceLevelAdmin(RerenderOnSaveMixin, admin.ModelAdmin):
    list_display = ["label", "code", "score_min", "score_max", "order"]
    search_fields = ["label", "definition"]

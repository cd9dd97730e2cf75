from django.contrib import admin

from .models import Attribute, EvidenceLevel


@admin.register(Attribute)
class AttributeAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "is_evidence_based", "order"]
    list_editable = ["order"]
    search_fields = ["label", "code"]

    def get_readonly_fields(self, request, obj=None):
        # Code refers to attributes by code, so it is fixed once created.
        return ["code"] if obj else []


@admin.register(EvidenceLevel)
class EvidenceLevelAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "score_min", "score_max", "order"]
    search_fields = ["label", "definition"]

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Attribute, EvidenceLevel

# Review pages compose their ratings from these rows on each request, so an editor's change
# shows everywhere as soon as it is saved (ratings.apps starts a new page cache generation).


@admin.register(Attribute)
class AttributeAdmin(SimpleHistoryAdmin):
    list_display = ["label", "code", "is_evidence_based", "order"]
    search_fields = ["label", "code"]

    def get_readonly_fields(self, request, obj=None):
        # Code refers to attributes by code, so it is fixed once created.
        return ["code"] if obj else []


@admin.register(EvidenceLevel)
class EvidenceLevelAdmin(SimpleHistoryAdmin):
    list_display = ["label", "code", "score_min", "score_max", "order"]
    search_fields = ["label", "definition"]

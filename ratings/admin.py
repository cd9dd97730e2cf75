from django import forms
from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from .models import Attribute, EvidenceLevel, ScoreMeaning

# Review pages compose their ratings from these rows on each request, so an editor's change
# shows everywhere as soon as it is saved (ratings.apps starts a new page cache generation).


class ScoreMeaningInline(admin.TabularInline):
    """What each score from 0 to 5 means for the attribute: one row per score, changed in
    place (a review shows the meaning beside every rating, so none is deleted)."""

    model = ScoreMeaning
    extra = 0
    max_num = 6
    can_delete = False
    fields = ["score", "meaning"]
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 90})}
    }

    def get_extra(self, request, obj=None, **kwargs):
        # A new attribute starts with a row for each score.
        return 6 if obj is None else 0


@admin.register(Attribute)
class AttributeAdmin(SimpleHistoryAdmin):
    list_display = ["label", "code", "is_evidence_based", "order"]
    search_fields = ["label", "code"]
    inlines = [ScoreMeaningInline]

    def get_readonly_fields(self, request, obj=None):
        # Code refers to attributes by code, so it is fixed once created.
        return ["code"] if obj else []


@admin.register(EvidenceLevel)
class EvidenceLevelAdmin(SimpleHistoryAdmin):
    list_display = ["label", "badge", "direction", "code", "score_min", "score_max", "order"]
    list_filter = ["direction"]
    search_fields = ["label", "badge_text", "definition"]

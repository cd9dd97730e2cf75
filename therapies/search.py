"""The therapy index's search and filters: what the query string asks for, checked.

Everything lives in the URL (a GET form), so a result page can be shared and the back button
works. A value we cannot use (an unknown category, ``min=abc``, a NUL byte) is dropped with a
plain message, and the rest of the request still applies.
"""

from functools import cached_property

from django import forms
from django.db.models import F, Prefetch

from ratings.models import Attribute, Rating

from .models import CancerType, Category

MAX_QUERY_LENGTH = 200


class TherapySearchForm(forms.Form):
    SORT_CHOICES = [
        ("", "Suggested order"),
        ("name", "Name, A to Z"),
        ("updated", "Most recently updated"),
        ("relevance", "Best match"),
        ("rating", "Highest rated first"),
    ]

    q = forms.CharField(
        label="Search therapies",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "e.g. melatonin"}),
        error_messages={
            "max_length": "Searches can be up to %(limit_value)d characters long, so we "
            "ignored yours. Try a few key words.",
            "null_characters_not_allowed": "Your search contained characters we cannot "
            "search for, so we ignored it.",
        },
    )
    category = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": "We have no such category, so we show all of them."},
    )
    cancer = forms.ChoiceField(
        label="Cancer type",
        required=False,
        error_messages={"invalid_choice": "We have no such cancer type, so we show all of them."},
    )
    attribute = forms.ChoiceField(
        label="Rated on",
        required=False,
        error_messages={"invalid_choice": "We rate no such attribute, so we left that filter out."},
    )
    min = forms.TypedChoiceField(
        label="At least",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any score"), *((n, f"{n} of 5") for n in range(1, 6))],
        error_messages={
            "invalid_choice": "A minimum rating is a whole number from 1 to 5, "
            "so we left that filter out."
        },
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=SORT_CHOICES,
        error_messages={
            "invalid_choice": "We cannot sort that way, so we used our suggested order."
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.category_names = dict(Category.objects.values_list("slug", "name"))
        self.cancer_names = dict(CancerType.objects.values_list("slug", "name"))
        self.attribute_labels = dict(Attribute.objects.values_list("code", "short_label"))
        self.fields["category"].choices = [("", "All categories"), *self.category_names.items()]
        self.fields["cancer"].choices = [("", "All cancer types"), *self.cancer_names.items()]
        self.fields["attribute"].choices = [("", "Any attribute"), *self.attribute_labels.items()]

    def clean(self):
        data = super().clean()
        if data.get("min") is not None and not data.get("attribute"):
            self.add_error(None, "Choose what the minimum rating applies to.")
        return data

    @cached_property
    def choices(self) -> dict:
        """What was asked for and is valid; invalid values are left out."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}

    @property
    def ordering(self) -> str:
        """The sort order in effect: one that cannot apply falls back to the default."""
        choices = self.choices
        sort = choices.get("sort", "")
        if sort == "relevance" and "q" not in choices:
            sort = ""
        if sort == "rating" and "attribute" not in choices:
            sort = ""
        return sort or ("relevance" if "q" in choices else "name")

    @property
    def attribute_label(self) -> str:
        return self.attribute_labels.get(self.choices.get("attribute"), "")

    def active_filters(self) -> list[tuple[str, str]]:
        """(what it is, the query string without it) for each filter in effect."""
        choices = self.choices
        filters = []
        if "q" in choices:
            filters.append((f"Matching “{choices['q']}”", ["q"]))
        if "category" in choices:
            filters.append((f"Category: {self.category_names[choices['category']]}", ["category"]))
        if "cancer" in choices:
            filters.append((f"Cancer type: {self.cancer_names[choices['cancer']]}", ["cancer"]))
        if "attribute" in choices and "min" in choices:
            label = self.attribute_labels[choices["attribute"]]
            filters.append(
                (f"{label}: rated {choices['min']} of 5 or higher", ["attribute", "min"])
            )
        return [(text, self.query_without(*names)) for text, names in filters]

    def query_without(self, *names) -> str:
        """The query string without ``names``, the page number, or empty fields."""
        query = self.data.copy()
        for name in (*names, "page", *(key for key, value in query.items() if not value)):
            query.pop(name, None)
        return f"?{query.urlencode()}"

    @property
    def shows_filters(self) -> bool:
        """Whether the filter panel starts open: something in it is chosen, or went wrong."""
        return bool(self.errors) or any(
            name in self.choices for name in ("category", "cancer", "attribute", "min", "sort")
        )

    def filter(self, versions):
        """Narrow and order a queryset of (published) review versions as asked."""
        choices = self.choices
        if "category" in choices:
            versions = versions.in_category(choices["category"])
        if "cancer" in choices:
            versions = versions.for_cancer_type(choices["cancer"])
        if "attribute" in choices:
            code = choices["attribute"]
            if "min" in choices:
                versions = versions.rated_at_least(code, choices["min"])
            if self.ordering == "rating":
                versions = versions.with_score(code)
            # The chosen rating is shown beside each result.
            versions = versions.prefetch_related(
                Prefetch(
                    "ratings",
                    queryset=Rating.objects.filter(attribute__code=code).select_related(
                        "evidence_level"
                    ),
                    to_attr="chosen_ratings",
                )
            )
        if "q" in choices:
            versions = versions.search(choices["q"])
        return versions.order_by(*ORDERINGS[self.ordering])


ORDERINGS = {
    "name": ["therapy__name"],
    "updated": [F("last_updated").desc(nulls_last=True), "therapy__name"],
    "relevance": ["-relevance", "therapy__name"],
    "rating": [F("attribute_score").desc(nulls_last=True), "therapy__name"],
}

"""The conversation on a version: comments on the whole version, one rating or one sub-page,
and answers to them. Anyone who may view the version may take part; the public never sees it.
"""

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch

from ratings.models import Rating

from .models import ReviewComment, ReviewVersion, SubPage


def parts_of(version: ReviewVersion) -> list[tuple[str, str]]:
    """What a comment may be about: ("", the whole version), ("rating-<pk>", "Rating: Safety"),
    ("subpage-<pk>", "Page: Safety and precautions")."""
    ratings = version.ratings.select_related("attribute").order_by("attribute__order")
    ratings = [(f"rating-{r.pk}", f"Rating: {r.attribute.label}") for r in ratings]
    pages = [(f"subpage-{p.pk}", f"Page: {p.get_kind_display()}") for p in version.subpages.all()]
    return [("", "The whole version"), *ratings, *pages]


class CommentForm(forms.Form):
    about = forms.ChoiceField(label="About", required=False)
    text = forms.CharField(
        label="Comment",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write the comment first."},
        help_text="Seen by everyone working on this review; never by the public.",
    )
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, version: ReviewVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.fields["about"].choices = parts_of(version)
        self.fields["about"].error_messages["invalid_choice"] = (
            "That part is no longer in this version (it may have been removed meanwhile); "
            "choose another."
        )

    def clean_reply_to(self):
        pk = self.cleaned_data["reply_to"]
        if pk is None:
            return None
        comment = self.version.comments.filter(pk=pk).first()
        if comment is None:
            raise forms.ValidationError("The comment you answered is not on this version.")
        return comment


def add_comment(
    *,
    version: ReviewVersion,
    by: AbstractBaseUser,
    text: str,
    about: str = "",
    reply_to: ReviewComment | None = None,
) -> ReviewComment:
    """Add a comment to ``version``'s conversation; an answer joins the thread it answers
    (about the same part)."""
    if reply_to is not None:
        reply_to = reply_to.reply_to or reply_to  # one level: answers gather under the first
        return ReviewComment.objects.create(
            version=version, author=by, text=text.strip(), rating_id=reply_to.rating_id,
            subpage_id=reply_to.subpage_id, part=reply_to.part, reply_to=reply_to,
        )  # fmt: skip
    kind, _, pk = about.partition("-")
    rating = Rating.objects.filter(version=version, pk=pk).first() if kind == "rating" else None
    subpage = SubPage.objects.filter(version=version, pk=pk).first() if kind == "subpage" else None
    return ReviewComment.objects.create(
        version=version, author=by, text=text.strip(), rating=rating, subpage=subpage,
        part=dict(parts_of(version)).get(about, "") if about else "",
    )  # fmt: skip


def threads(version: ReviewVersion):
    """The version's comments that start a thread, oldest first, each with its answers."""
    return (
        version.comments.filter(reply_to=None)
        .select_related("author")
        .prefetch_related(
            Prefetch("replies", queryset=ReviewComment.objects.select_related("author"))
        )
    )

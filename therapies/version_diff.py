"""Field-by-field comparison of two versions of a review, for consultants and editors."""

import difflib
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cancerchoices.markdown import cited_keys

from .models import ReviewVersion


@dataclass
class Change:
    section: str
    field: str
    kind: str  # "changed", "added" or "removed"
    old: str
    new: str

    @property
    def inline_diff(self) -> SafeString:
        """Word-level difference with <del> and <ins>, escaped."""
        old_words, new_words = self.old.split(" "), self.new.split(" ")
        parts = []
        matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
        for op, a1, a2, b1, b2 in matcher.get_opcodes():
            if op == "equal":
                parts.append(escape(" ".join(old_words[a1:a2])))
                continue
            if a2 > a1:
                parts.append(f"<del>{escape(' '.join(old_words[a1:a2]))}</del>")
            if b2 > b1:
                parts.append(f"<ins>{escape(' '.join(new_words[b1:b2]))}</ins>")
        return mark_safe(" ".join(parts))


def _snapshot(version: ReviewVersion) -> dict[tuple[str, str], str]:
    """Everything a reader sees of a version, flattened to (section, field) -> text."""
    values = {
        ("Review", "Summary"): version.summary,
        ("Review", "At a glance"): version.body,
        ("Review", "Last update"): str(version.last_updated or ""),
        ("Review", "Last full literature review"): (
            f"{version.literature_reviewed:%B %Y}" if version.literature_reviewed else ""
        ),
    }
    ratings = list(version.ratings.select_related("attribute", "evidence_level"))
    subpages = list(version.subpages.all())
    for rating in ratings:
        section = f"Rating: {rating.attribute.label}"
        values[(section, "Score")] = rating.score_text
        values[(section, "Evidence level")] = str(rating.evidence_level or "")
        values[(section, "Evidence note")] = rating.note
    for subpage in subpages:
        values[(f"Page: {subpage.get_kind_display()}", "Title")] = subpage.title
        values[(f"Page: {subpage.get_kind_display()}", "Text")] = subpage.body
    for credit in version.credits.select_related("person"):
        values[("Credits", f"{credit.person} ({credit.get_role_display()})")] = "credited"
    texts = [version.body, *(r.note for r in ratings), *(s.body for s in subpages)]
    for key in dict.fromkeys(k for text in texts for k in cited_keys(text)):
        values[("References", key)] = "cited"
    return {k: v for k, v in values.items() if v}


def diff_versions(old: ReviewVersion | None, new: ReviewVersion) -> list[Change]:
    """What ``new`` changes against ``old`` (everything is 'added' when old is None)."""
    before = _snapshot(old) if old else {}
    after = _snapshot(new)
    changes = []
    for key in dict.fromkeys([*after, *before]):
        old_value, new_value = before.get(key, ""), after.get(key, "")
        if old_value == new_value:
            continue
        kind = "added" if not old_value else "removed" if not new_value else "changed"
        changes.append(Change(key[0], key[1], kind, old_value, new_value))
    return changes

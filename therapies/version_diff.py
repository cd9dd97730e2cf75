"""Field-by-field comparison of two versions of a review, for consultants and editors.

A comparison lists only what differs: each changed text shows only its changed paragraphs,
with the changed words marked inside them (``<del>``, ``<ins>``); each reference cited or no
longer cited is shown with its full citation and its numbers on each page, and a reference
whose number moved says from what to what. The content compared is either a version as it is
now (``version_content``) or as it was at a moment of its history (``content_as_of``), read
from the django-simple-history records of the version, its ratings, sub-pages, findings and
credits.
"""

import difflib
import re
from dataclasses import dataclass
from datetime import datetime

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cancerchoices.markdown import cited_keys
from people.models import Credit
from ratings.models import Rating

from .models import AuditEntry, Finding, Reference, ReviewVersion, SubPage, group_findings

MAIN_PAGE = "Main review"
FINDINGS = SubPage.Kind.FINDINGS
# Words, runs of punctuation and runs of white space: the units changes are marked in.
_TOKENS = re.compile(r"\w+|[^\w\s]+|\s+")


@dataclass
class Change:
    section: str
    field: str
    kind: str  # "changed", "added", "removed" or "renumbered"
    old: str
    new: str

    @property
    def inline_diff(self) -> SafeString:
        """The new value with the changed words marked (<del> removed, <ins> added), escaped.
        A text of several paragraphs shows only those that changed."""
        return text_diff(self.old, self.new)

    @property
    def whole_diff(self) -> SafeString:
        """The whole new value (or the removed one), with the changed words marked."""
        return text_diff(self.old, self.new, whole=True)


def text_diff(old: str, new: str, *, whole: bool = False) -> SafeString:
    """``new`` with the words changed from ``old`` marked; unchanged paragraphs are left out
    (counted) unless ``whole``."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    if whole or (len(old_lines) <= 1 and len(new_lines) <= 1):
        return mark_safe(_word_diff(old, new))
    parts = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            unchanged = sum(1 for line in old_lines[a1:a2] if line.strip())
            if unchanged:
                noun = "paragraph" if unchanged == 1 else "paragraphs"
                parts.append(f'<span class="diff-skip">[{unchanged} unchanged {noun}]</span>')
            continue
        parts.append(_word_diff("\n".join(old_lines[a1:a2]), "\n".join(new_lines[b1:b2])))
    return mark_safe("\n".join(parts))


def _word_diff(old: str, new: str) -> str:
    old_tokens, new_tokens = _TOKENS.findall(old), _TOKENS.findall(new)
    opcodes = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False).get_opcodes()
    groups: list[tuple[bool, str, str]] = []  # (changed, old text, new text)
    for index, (op, a1, a2, b1, b2) in enumerate(opcodes):
        removed, added = "".join(old_tokens[a1:a2]), "".join(new_tokens[b1:b2])
        # A lone space between two changes joins them: "<del>a b</del>", not two marks.
        changed = op != "equal" or (0 < index < len(opcodes) - 1 and removed.isspace())
        if changed and groups and groups[-1][0]:
            groups[-1] = (True, groups[-1][1] + removed, groups[-1][2] + added)
        else:
            groups.append((changed, removed, added))
    parts = []
    for changed, removed, added in groups:
        if not changed or not (removed.strip() or added.strip()):
            parts.append(escape(added))
            continue
        marks = [f"<del>{escape(removed.strip())}</del>"] if removed.strip() else []
        marks += [f"<ins>{escape(added.strip())}</ins>"] if added.strip() else []
        lead = added[: len(added) - len(added.lstrip())] if added.strip() else ""
        trail = added[len(added.rstrip()) :] if added.strip() else ""
        parts.append(escape(lead) + " ".join(marks) + escape(trail))
    return "".join(parts)


@dataclass
class Content:
    """What a reader sees of a version at one moment, flattened for comparison."""

    values: dict  # (section, field) -> text
    numbers: dict  # reference key -> {page name: number}


def version_content(version: ReviewVersion) -> Content:
    """``version`` as it is now."""
    return _content(
        version,
        cancer_types=[str(t) for t in version.cancer_types.all()],
        ratings=list(version.ratings.select_related("attribute", "evidence_level")),
        subpages=list(version.subpages.all()),
        findings=list(
            version.findings.select_related("attribute", "cancer_type", "evidence_level")
        ),
        credits=list(version.credits.select_related("person")),
    )


def content_as_of(version: ReviewVersion, when: datetime) -> Content:
    """``version`` as it was at ``when``, from the history of it and of its ratings, sub-pages
    and credits. A row with no history at all (copied into a draft before copies were
    recorded) has not changed since, so it counts as it is now."""
    record = version.history.filter(history_date__lte=when).order_by("-history_date").first()
    if record is None:
        return Content(values={}, numbers={})
    return _content(
        record.instance,
        cancer_types=[str(row.cancertype) for row in record.cancer_types.all()],
        ratings=_children_as_of(Rating, version, when),
        subpages=_children_as_of(SubPage, version, when),
        findings=_children_as_of(Finding, version, when),
        credits=_children_as_of(Credit, version, when),
    )


def _children_as_of(model, version, when) -> list:
    tracked = set(model.history.filter(version_id=version.pk).values_list("id", flat=True))
    then = list(model.history.as_of(when).filter(version_id=version.pk))
    untracked = model.objects.filter(version_id=version.pk).exclude(pk__in=tracked)
    rows = then + list(untracked)
    return sorted(rows, key=lambda row: (getattr(row, "order", 0), str(row)))


def _content(version, *, cancer_types, ratings, subpages, findings, credits) -> Content:
    ratings = sorted(ratings, key=lambda rating: rating.attribute.order)
    subpages = sorted(subpages, key=lambda subpage: subpage.kind)
    values = {
        ("Review", "Name"): version.name,
        ("Review", "Other names"): version.alternate_names,
        ("Review", "Category"): str(version.category) if version.category_id else "",
        ("Review", "Cancer types"): ", ".join(sorted(cancer_types)),
        ("Review", "Sample content"): "yes" if version.is_sample else "",
        ("Review", "Review interval"): f"{version.review_interval_months} months",
        ("Review", "Summary"): version.summary,
        **{
            ("Cautions", version._meta.get_field(name).verbose_name.capitalize()): getattr(
                version, name
            )
            for name in ReviewVersion.CAUTION_FIELDS
        },
        ("Review", "At a glance"): version.body,
        ("Review", "Last update"): f"{version.last_updated:%B %-d, %Y}"
        if version.last_updated
        else "",
        ("Review", "Last full literature review"): (
            f"{version.literature_reviewed:%B %Y}" if version.literature_reviewed else ""
        ),
    }
    for rating in ratings:
        section = f"Rating: {rating.attribute.label}"
        values[(section, "Score")] = rating.score_text
        values[(section, "Evidence level")] = str(rating.evidence_level or "")
        values[(section, "Evidence note")] = rating.note
    for subpage in subpages:
        section = f"Page: {subpage.get_kind_display()}"
        values[(section, "Title")] = subpage.title
        values[(section, "Text")] = subpage.body
    # Findings by benefit and cancer type, one line each, as the research sub-page lists them.
    benefits = group_findings(findings)
    for benefit in benefits:
        for group in benefit.groups:
            section = f"Findings: {benefit.attribute.label}"
            values[(section, group.cancer_type.name)] = "\n".join(
                f"{finding.sentence} {finding.sources}" for finding in group.findings
            )
    for credit in credits:
        values[("Credits", f"{credit.person} ({credit.get_role_display()})")] = "credited"
    # Numbered per page in order of first citation: the main page across its text and rating
    # notes, each sub-page on its own (as rendering numbers them).
    cautions = [getattr(version, name) for name in ReviewVersion.CAUTION_FIELDS]
    pages = [(MAIN_PAGE, [*cautions, version.body, *(rating.note for rating in ratings)])]
    sources = [f.sources for benefit in benefits for g in benefit.groups for f in g.findings]
    pages += [
        (subpage.get_kind_display(), [subpage.body, *(sources if subpage.kind == FINDINGS else [])])
        for subpage in subpages
    ]
    numbers: dict[str, dict[str, int]] = {}
    for page, texts in pages:
        keys = dict.fromkeys(key for text in texts for key in cited_keys(text))
        for number, key in enumerate(keys, start=1):
            numbers.setdefault(key, {})[page] = number
    return Content(values={k: v for k, v in values.items() if v}, numbers=numbers)


def _numbering(pages: dict[str, int]) -> str:
    return "; ".join(f"[{number}] {page}" for page, number in pages.items())


def diff_contents(before: Content, after: Content) -> list[Change]:
    """What ``after`` changes against ``before``: only what differs."""
    changes = []
    for key in dict.fromkeys([*after.values, *before.values]):
        old_value, new_value = before.values.get(key, ""), after.values.get(key, "")
        if old_value == new_value:
            continue
        kind = "added" if not old_value else "removed" if not new_value else "changed"
        changes.append(Change(key[0], key[1], kind, old_value, new_value))
    keys = list(dict.fromkeys([*after.numbers, *before.numbers]))
    citations = {ref.key: ref.citation for ref in Reference.objects.filter(key__in=keys)}
    for key in keys:
        old_pages, new_pages = before.numbers.get(key, {}), after.numbers.get(key, {})
        if old_pages == new_pages:
            continue
        kind = "added" if not old_pages else "removed" if not new_pages else "renumbered"
        cited = f"{citations.get(key, 'Unknown reference')} [@{key}]"
        changes.append(
            Change("References", cited, kind, _numbering(old_pages), _numbering(new_pages))
        )
    return changes


# The steps that send a version back to its researchers, with a comment saying why.
SENT_BACK = ["request_changes", "reopen"]


def last_sent_back(version: ReviewVersion) -> AuditEntry | None:
    """The latest request for changes (or reopening) of ``version``, with its comment."""
    return version.audit.filter(action__in=SENT_BACK).select_related("actor").first()


def changes_since_sent_back(version: ReviewVersion) -> tuple[AuditEntry | None, list[Change]]:
    """What changed in ``version`` since it was last sent back, for the consultant's next
    round: its content now against its content at that moment."""
    sent_back = last_sent_back(version)
    if sent_back is None:
        return None, []
    before = content_as_of(version, sent_back.created_at)
    return sent_back, diff_contents(before, version_content(version))


def diff_versions(old: ReviewVersion | None, new: ReviewVersion) -> list[Change]:
    """What ``new`` changes against ``old`` (everything is 'added' when old is None)."""
    before = version_content(old) if old else Content(values={}, numbers={})
    return diff_contents(before, version_content(new))


# The fields of each record a version's history shows, and how to name its record.
HISTORY_FIELDS = {
    ReviewVersion: [
        "state", "name", "alternate_names", "category", "cancer_types", "is_sample",
        "review_interval_months", "summary", *ReviewVersion.CAUTION_FIELDS, "body",
        "change_kind", "change_summary", "last_updated", "literature_reviewed", "publish_at",
    ],
    Rating: ["attribute", "score", "evidence_level", "note"],
    SubPage: ["kind", "title", "body"],
    Finding: [
        "attribute", "cancer_type", "direction", "evidence_level", "outcome", "population",
        "combined_with", "detail", "sources", "order",
    ],
    Credit: ["person", "role", "order"],
}  # fmt: skip


@dataclass
class HistoryRow:
    record: object  # a historical record
    part: str  # "Version", "Rating: Safety"...
    changes: list[Change]


def version_history(version: ReviewVersion, limit: int = 200) -> list[HistoryRow]:
    """Every recorded save of ``version`` and of its ratings, sub-pages, findings and credits,
    newest first, each with the whole old and new value of every field it changed. A record's
    first save (or the first one recorded) lists every value it was saved with."""
    rows = []
    for model, fields in HISTORY_FIELDS.items():
        records = model.history.filter(**({"id": version.pk} if model is ReviewVersion else {
            "version_id": version.pk})).select_related("history_user")  # fmt: skip
        for record in records.order_by("-history_date", "-history_id")[:limit]:
            if record.history_type == "+" and record.history_change_reason:
                continue  # copied into a new draft (the audit trail says from which version)
            changes = _record_changes(record, fields)
            if changes:  # saves of derived fields only (revision, stored HTML) are left out
                rows.append(HistoryRow(record, _part(record), changes))
    rows.sort(key=lambda row: row.record.history_date, reverse=True)
    return rows[:limit]


def _part(record) -> str:
    if isinstance(record.instance, ReviewVersion):
        return "Version"
    if isinstance(record.instance, Rating):
        return f"Rating: {_display(record, 'attribute')}"
    if isinstance(record.instance, SubPage):
        return f"Page: {_display(record, 'kind')}"
    if isinstance(record.instance, Finding):
        return f"Finding: {_display(record, 'attribute')}, {_display(record, 'cancer_type')}"
    return f"Credit: {_display(record, 'person')}"


def _record_changes(record, fields: list[str]) -> list[Change]:
    previous = record.prev_record if record.history_type != "+" else None
    changes = []
    for name in fields:
        new = _display(record, name)
        old = _display(previous, name) if previous is not None else ""
        if record.history_type == "-":
            old, new = new, ""
        if old == new:
            continue
        label = str(record.instance._meta.get_field(name).verbose_name).capitalize()
        kind = "added" if not old else "removed" if not new else "changed"
        changes.append(Change("", label, kind, old, new))
    return changes


def _display(record, name: str) -> str:
    field = record.instance._meta.get_field(name)
    if field.many_to_many:
        ids = getattr(record, name).values_list(f"{field.related_model._meta.model_name}_id")
        return ", ".join(sorted(str(t) for t in field.related_model.objects.filter(pk__in=ids)))
    value = getattr(record, field.attname)
    if value is None or value == "":
        return ""
    if field.is_relation:
        related = field.related_model.objects.filter(pk=value).first()
        return str(related) if related else f"(deleted #{value})"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else ""
    return str(value)

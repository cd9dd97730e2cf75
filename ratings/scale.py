"""The five-segment rating scale and the evidence badge as markup: filled segments for the
score, and the score in words for screen readers and everyone else ("3 of 5", or "Not rated
yet", which looks different from 0).

Which way the evidence points shows as well as the score: a 0 from good evidence of no benefit
is struck through and a 0 from evidence of harm drawn as a warning, and their badges say so in
words with an icon ("Good evidence of no benefit", "Evidence of harm"), never like the dashed
"Too little evidence to judge" of a therapy nobody has tested properly.

Every page that shows a rating uses these strings (templates through the ``rating_scale`` filter
and the ``evidence_badge`` tag; pages that read ratings with raw SQL call ``scale_html`` and
``badge_html`` with the level's code, badge and direction). The scales are built once, as the
index and the comparison show many at a time.
"""

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

SEGMENTS = 5

# Directions (ratings.models.EvidenceLevel.Direction) drawn differently from plain evidence of
# benefit, as a CSS class suffix: scale-no-benefit, level-harm, ...
MARKED = {"too_little": "too-little", "no_benefit": "no-benefit", "harm": "harm"}

# Small icons beside the badge's words (never instead of them).
_ICON = '<svg class="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">{}</svg>'
ICONS = {
    "too_little": _ICON.format(
        '<circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" stroke-width="1.5" '
        'stroke-dasharray="2.5 2"/><circle cx="8" cy="11.3" r="1" fill="currentColor"/>'
        '<path d="M6 6.3a2 2 0 1 1 2.8 1.8c-.6.3-.8.6-.8 1.3" fill="none" stroke="currentColor" '
        'stroke-width="1.5" stroke-linecap="round"/>'
    ),
    "no_benefit": _ICON.format(
        '<circle cx="8" cy="8" r="6.3" fill="none" stroke="currentColor" stroke-width="1.8"/>'
        '<path d="M3.6 12.4 12.4 3.6" stroke="currentColor" stroke-width="1.8"/>'
    ),
    "harm": _ICON.format(
        '<path d="M8 1.5 15 14H1z" fill="none" stroke="currentColor" stroke-width="1.6" '
        'stroke-linejoin="round"/><path d="M8 6v4" stroke="currentColor" stroke-width="1.8" '
        'stroke-linecap="round"/><circle cx="8" cy="12" r="1" fill="currentColor"/>'
    ),
}


def _scale(score: int | None, direction: str = "") -> SafeString:
    if score is None:
        segments = '<span class="seg"></span>' * SEGMENTS
        return mark_safe(
            f'<span class="scale scale-unrated" aria-hidden="true">{segments}</span>\n'
            '<span class="score-text unrated">Not rated yet</span>'
        )
    on = min(score, SEGMENTS)
    segments = '<span class="seg on"></span>' * on + '<span class="seg"></span>' * (SEGMENTS - on)
    marked = f" scale-{MARKED[direction]}" if direction in MARKED else ""
    return mark_safe(
        f'<span class="scale{marked}" aria-hidden="true">{segments}</span>\n'
        f'<span class="score-text">{score} of 5</span>'
    )


# Every score a rating can have (0 to 5, or None for "not rated yet"), in every direction,
# built once at import.
SCALES = {
    (score, direction): _scale(score, direction)
    for score in [None, *range(SEGMENTS + 1)]
    for direction in ["", *MARKED]
}


def scale_html(score: int | None, direction: str = "") -> SafeString:
    """The scale for ``score`` (None when not rated yet) with evidence pointing ``direction``
    (an EvidenceLevel's direction, or empty when the rating has no evidence level)."""
    direction = direction if direction in MARKED else ""
    return SCALES.get((score, direction)) or _scale(score, direction)


def badge_html(
    code: str, badge: str, direction: str, href: str = "", css_class: str = "badge"
) -> SafeString:
    """An evidence level's badge: its words ("Preliminary evidence", "Evidence of harm"), with
    an icon for the levels that are not evidence of benefit; a link to the level's definition
    on the methodology page at ``href`` if given (else a span, e.g. inside another link)."""
    classes = f"{css_class} level-{MARKED[direction]}" if direction in MARKED else css_class
    icon = mark_safe(ICONS.get(direction, ""))
    if href:
        return format_html(
            '<a class="{}" href="{}#level-{}">{}{}</a>', classes, href, code, icon, badge
        )
    return format_html('<span class="{}">{}{}</span>', classes, icon, badge)

"""The five-segment rating scale as markup: filled segments for the score, and the score in
words for screen readers and everyone else ("3 of 5", or "Not rated yet", which looks
different from 0).

Every page that shows a rating uses these strings (templates through the ``rating_scale``
filter); they are built once, as the index and the comparison show many at a time.
"""

from django.utils.safestring import SafeString, mark_safe

SEGMENTS = 5


def _scale(score: int | None) -> SafeString:
    if score is None:
        segments = '<span class="seg"></span>' * SEGMENTS
        return mark_safe(
            f'<span class="scale scale-unrated" aria-hidden="true">{segments}</span>\n'
            '<span class="score-text unrated">Not rated yet</span>'
        )
    on = min(score, SEGMENTS)
    segments = '<span class="seg on"></span>' * on + '<span class="seg"></span>' * (SEGMENTS - on)
    return mark_safe(
        f'<span class="scale" aria-hidden="true">{segments}</span>\n'
        f'<span class="score-text">{score} of 5</span>'
    )


# Every score a rating can have (0 to 5, or None for "not rated yet"), built once at import.
SCALES = {score: _scale(score) for score in [None, *range(SEGMENTS + 1)]}


def scale_html(score: int | None) -> SafeString:
    """The scale for ``score`` (None when not rated yet)."""
    return SCALES.get(score) or _scale(score)

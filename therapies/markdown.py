"""Markdown for reviews: one render-and-sanitise path for saves and the admin preview.

Researchers write Markdown with two additions:

* ``[@key]`` cites a reference by its key; ``[@key, p. 20]`` adds a locator, and
  ``[@one; @two, pp. 3-4]`` cites several at once. Numbers are given per page, in order
  of first citation, and each number links to the page's reference list.
* ``[[case study]]`` marks a glossary term (matched against terms and their variants);
  ``[[case studies|case-study]]`` shows the first part and links the term whose slug follows.

Raw HTML in the Markdown is shown as text, not interpreted, and the output is sanitised with
an allowlist (nh3) as a second line of defence. Public pages never call this module: the HTML
is stored when content is saved.
"""

import re
from dataclasses import dataclass, field
from xml.etree import ElementTree

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.utils.html import escape
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

MAX_MARKDOWN_LENGTH = 100_000
MAX_BRACKET_DEPTH = 40
MAX_QUOTE_DEPTH = 10

CITATION_RE = r"\[@([a-z0-9_-]+(?:[^\[\]\n]*)?)\]"
TERM_RE = r"\[\[([^\[\]|\n]{1,100})(?:\|([a-z0-9-]{1,100}))?\]\]"
_CITED_KEY = re.compile(r"@([a-z0-9_-]+)")

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "img", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id", "aria-describedby"},
    "span": {"id"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
}
# Only the classes and roles our own citation and glossary markup uses.
ALLOWED_CLASSES = {
    "a": {"cite-link", "term"},
    "span": {"tip-wrap", "tip", "cite-missing", "term-missing"},
    "sup": {"cite"},
}
ALLOWED_ATTRIBUTE_VALUES = {"span": {"role": {"tooltip"}}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def validate_markdown(text: str) -> None:
    """Refuse input that is too big or shaped to make the Markdown parser take minutes."""
    if text is None:
        return
    if "\x00" in text:
        raise ValidationError("The text contains a NUL character; remove it and save again.")
    if len(text) > MAX_MARKDOWN_LENGTH:
        raise ValidationError(
            f"The text is {len(text):,} characters long; the limit is {MAX_MARKDOWN_LENGTH:,}. "
            "Split it or move detail to a sub-page."
        )
    depth = deepest = 0
    for char in text:
        if char == "[":
            depth += 1
            deepest = max(deepest, depth)
        elif char == "]" and depth:
            depth -= 1
    if deepest > MAX_BRACKET_DEPTH:
        raise ValidationError(
            f"The text has {deepest} square brackets open at once; at most "
            f"{MAX_BRACKET_DEPTH} are allowed. Check for stray '[' characters."
        )
    for line in text.splitlines():
        if re.match(r"[>\s]*", line).group(0).count(">") > MAX_QUOTE_DEPTH:
            raise ValidationError(f"Quotes may be nested at most {MAX_QUOTE_DEPTH} deep.")


def cited_keys(text: str) -> list[str]:
    """Reference keys cited in ``text``, in order of first citation."""
    keys: list[str] = []
    for match in re.finditer(CITATION_RE, text or ""):
        for key in _CITED_KEY.findall(match.group(0)):
            if key not in keys:
                keys.append(key)
    return keys


def marked_terms(text: str) -> list[tuple[str, str | None]]:
    """(shown text, explicit slug or None) for each glossary mark in ``text``."""
    return [(m.group(1), m.group(2)) for m in re.finditer(TERM_RE, text or "")]


@dataclass
class PageContext:
    """What one rendered page shares across its parts: reference numbers and element ids.

    ``references`` maps key -> Reference; ``terms`` maps lower-cased form or slug ->
    GlossaryTerm. Unknown keys and terms are collected rather than raised, so a preview
    can still show the rest of the text.
    """

    references: dict = field(default_factory=dict)
    terms: dict = field(default_factory=dict)
    numbers: dict = field(default_factory=dict)  # reference key -> number on this page
    marked: dict = field(default_factory=dict)  # glossary slug -> term, for every term marked
    missing: list = field(default_factory=list)
    id_prefix: str = "p"
    _next_id: int = 0

    def number_for(self, key: str) -> int | None:
        if key not in self.references:
            self.missing.append(f"@{key}")
            return None
        if key not in self.numbers:
            self.numbers[key] = len(self.numbers) + 1
        return self.numbers[key]

    def new_id(self, kind: str) -> str:
        self._next_id += 1
        return f"{self.id_prefix}-{kind}-{self._next_id}"


class CitationProcessor(InlineProcessor):
    def __init__(self, pattern, page: PageContext):
        super().__init__(pattern)
        self.page = page

    def handleMatch(self, m, data):  # noqa: N802 (Markdown's API)
        sup = ElementTree.Element("sup", {"class": "cite"})
        for index, item in enumerate(m.group(1).split(";")):
            key, _, locator = item.strip().lstrip("@").partition(",")
            key, locator = key.strip(), locator.strip()
            number = self.page.number_for(key)
            if index:
                ElementTree.SubElement(sup, "span").text = ","
            if number is None:
                missing = ElementTree.SubElement(sup, "span", {"class": "cite-missing"})
                missing.text = f"[unknown reference @{key}]"
                continue
            tip_id = self.page.new_id("cite")
            wrap = ElementTree.SubElement(sup, "span", {"class": "tip-wrap"})
            link = ElementTree.SubElement(
                wrap,
                "a",
                {"href": f"#ref-{number}", "class": "cite-link", "aria-describedby": tip_id},
            )
            link.text = str(number)
            tip = ElementTree.SubElement(
                wrap, "span", {"class": "tip", "role": "tooltip", "id": tip_id}
            )
            reference = self.page.references[key]
            tip.text = reference.citation + (f" ({locator})" if locator else "")
        return sup, m.start(0), m.end(0)


class TermProcessor(InlineProcessor):
    def __init__(self, pattern, page: PageContext):
        super().__init__(pattern)
        self.page = page

    def handleMatch(self, m, data):  # noqa: N802 (Markdown's API)
        shown, slug = m.group(1).strip(), m.group(2)
        term = self.page.terms.get(slug or shown.lower())
        if term is None:
            self.page.missing.append(f"[[{slug or shown}]]")
            missing = ElementTree.Element("span", {"class": "term-missing"})
            missing.text = shown
            return missing, m.start(0), m.end(0)
        self.page.marked[term.slug] = term
        tip_id = self.page.new_id("term")
        wrap = ElementTree.Element("span", {"class": "tip-wrap"})
        link = ElementTree.SubElement(
            wrap,
            "a",
            {"href": term.get_absolute_url(), "class": "term", "aria-describedby": tip_id},
        )
        link.text = shown
        tip = ElementTree.SubElement(
            wrap, "span", {"class": "tip", "role": "tooltip", "id": tip_id}
        )
        tip.text = term.short_definition
        return wrap, m.start(0), m.end(0)


class ShiftHeadings(Treeprocessor):
    """Markdown '#' becomes the page's next heading level, so a page keeps one <h1>."""

    def __init__(self, md, top_level: int):
        super().__init__(md)
        self.top_level = top_level

    def run(self, root):
        for element in root.iter():
            if re.fullmatch(r"h[1-6]", element.tag):
                element.tag = f"h{min(int(element.tag[1]) + self.top_level - 1, 6)}"


class ReviewExtension(Extension):
    def __init__(self, page: PageContext, top_level: int):
        super().__init__()
        self.page = page
        self.top_level = top_level

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API)
        # Raw HTML is shown as text: researchers write Markdown, never markup.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.inlinePatterns.register(TermProcessor(TERM_RE, self.page), "glossary_term", 176)
        md.inlinePatterns.register(CitationProcessor(CITATION_RE, self.page), "citation", 175)
        md.treeprocessors.register(ShiftHeadings(md, self.top_level), "shift_headings", 5)


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        tag_attribute_values=ALLOWED_ATTRIBUTE_VALUES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render(text: str, page: PageContext | None = None, top_level: int = 3) -> str:
    """Markdown to safe HTML. ``top_level`` is the heading level that '#' becomes."""
    validate_markdown(text)
    page = page if page is not None else PageContext()
    converter = markdown.Markdown(
        extensions=["tables", "sane_lists", "smarty", ReviewExtension(page, top_level)],
        output_format="html",
    )
    return sanitize(converter.convert(text or ""))


def page_context_for(*texts: str, id_prefix: str = "p") -> PageContext:
    """A PageContext loaded with the references and terms that ``texts`` mention (2 queries)."""
    from .models import GlossaryTerm, Reference

    keys = {key for text in texts for key in cited_keys(text)}
    references = {r.key: r for r in Reference.objects.filter(key__in=keys)} if keys else {}
    terms = {}
    if any(marked_terms(text) for text in texts):
        for term in GlossaryTerm.objects.all():
            terms[term.slug] = term
            for form in term.all_forms:
                terms[form.lower()] = term
    return PageContext(references=references, terms=terms, id_prefix=id_prefix)


def render_preview(text: str) -> str:
    """The admin's live preview (therapies.editor_views): the same render as a save."""
    try:
        page = page_context_for(text)
        html = render(text, page)
    except ValidationError as error:
        return f'<p class="errornote">{escape(" ".join(error.messages))}</p>'
    if page.missing:
        unknown = ", ".join(dict.fromkeys(page.missing))
        html = f'<p class="errornote">Not found: {escape(unknown)}</p>' + html
    if page.numbers:
        items = "".join(f"<li>{escape(page.references[key].citation)}</li>" for key in page.numbers)
        html += f"<h4>References</h4><ol>{items}</ol>"
    return html


def validate_references_and_terms(text: str) -> None:
    """Every cited key and marked term must exist, so a saved page has no dangling marker."""
    page = page_context_for(text)
    render(text, page)
    if page.missing:
        unknown = ", ".join(dict.fromkeys(page.missing))
        raise ValidationError(
            f"Not found: {unknown}. Add the reference or glossary term first, or fix the spelling."
        )

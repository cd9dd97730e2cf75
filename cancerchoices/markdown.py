"""Markdown for reviews, notes and biographies: one render-and-sanitise path for saves and the
admin preview.

Researchers write Markdown (CommonMark, with tables) with two additions:

* ``[@key]`` cites a reference by its key; ``[@key, p. 20]`` adds a locator, and
  ``[@one; @two, pp. 3-4]`` cites several at once. Numbers are given per page, in order
  of first citation, and each number links to the page's reference list. Each citation has
  an id from its number and its occurrence on the page (``citation_id``), which the list links
  back to.
* ``[[case study]]`` marks a glossary term (matched against terms and their variants);
  ``[[case studies|case-study]]`` shows the first part and links the term whose slug follows.

Raw HTML in the Markdown is shown as text, not interpreted, and the output is sanitised with
an allowlist (nh3) as a second line of defence. Public pages never call this module: the HTML
is stored when content is saved.

Rendering is bounded for hostile input (the design's Safety target: Markdown rendering must be
linear in its input):

* The parser is markdown-it-py, built to take time linear in its input; nesting is capped
  (``MAX_NESTING``), so nothing recurses deeply, and blocks nested deeper than that are shown as
  plain text rather than dropped. Three of its parts are replaced by linear equivalents that
  give the same results (tests compare them on generated input): smart quotes (its rule copies
  a token's text for every quote), link destinations (a failed ``[x](`` rescans up to 32 nested
  parentheses, a character at a time) and link percent-encoding (a character at a time, seconds
  for a long non-ASCII address). Tables hold at most ``MAX_TABLE_CELLS`` body cells per text:
  markdown-it pads short rows to the header's width, per table.
* Linear is not yet fast: markdown-it's work grows with the characters that can start
  Markdown syntax (``FORMATTING_CHARACTERS``, line breaks included), at up to tens of
  microseconds each in the worst shapes, while plain prose costs almost nothing. A text may
  hold at most ``MAX_FORMATTING_CHARACTERS`` of them (the demo reviews use 5 in 100
  characters), which bounds the time of every text up to ``MAX_MARKDOWN_LENGTH``:
  ``make bench-markdown`` measures it through the preview view.
* The HTML of one text may be at most ``MAX_HTML_LENGTH`` characters: rendering stops as soon
  as it passes that, so the few characters that expand a lot (a reference-style link used
  thousands of times, thousands of citations with long tooltips) are refused instead of
  becoming megabytes.

This module knows no model: the references and glossary terms a text may cite or mark are
looked up by the caller (``therapies.models.markdown_page_for``) and passed in a
``MarkdownPage``.

Validation (``validate_markdown``, and ``validate_marks`` given the looked-up page) refuses
what rendering would refuse, without rendering in the common case: the limits on characters
are counts, cited keys and marked terms are resolved with the same regular
expressions the parser uses, and the HTML limit is checked against an upper bound computed from
character counts and the cited references' texts; only a text whose bound passes the limit is
rendered to measure it.
"""

import re
from contextlib import suppress
from dataclasses import dataclass, field
from types import SimpleNamespace
from urllib.parse import quote

import mdurl
import nh3
from django.core.exceptions import ValidationError
from django.utils.html import escape
from markdown_it import MarkdownIt, _punycode
from markdown_it import helpers as markdown_it_helpers
from markdown_it.common.utils import (
    escapeHtml,
    isMdAsciiPunct,
    isPunctChar,
    isWhiteSpace,
    unescapeAll,
)
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block.table import table as markdown_it_table
from markdown_it.token import Token

MAX_MARKDOWN_LENGTH = 100_000
MAX_FORMATTING_CHARACTERS = 10_000
MAX_HTML_LENGTH = 1_000_000
# Body cells of all the tables of one text: markdown-it pads every short row to the header's
# width (up to 65,536 cells per table, from a few characters); rows past this show as text.
MAX_TABLE_CELLS = 10_000
# markdown-it's maxNesting: blocks (a quote is one level, a list two) and inline constructs.
MAX_NESTING = 20
# Line breaks and the characters that can start Markdown syntax (markdown-it's inline
# terminators, table pipes and the quotes that smart quotes pair up).
FORMATTING_CHARACTERS = "\n\r!\"#$%&'*+-:<=>@[\\]^_`{|}~"
# Ordered list markers ("1." and "1)") start blocks too; a digit before "." or ")" is counted.
_ORDERED_MARKER = re.compile(r"[0-9][.)]")

# The same regular expressions find citations and terms when parsing and when validating.
# A citation may wrap onto the next line, as editors wrap text ("[@a;" then "@b]").
# [^\[\]]*+ is possessive: the expression never backtracks, so a long unclosed "[@aaaa..."
# costs one pass (the greedy form was quadratic in the length of the run).
CITATION_RE = r"\[@([a-z0-9_-][^\[\]]*+)\]"
TERM_RE = r"\[\[([^\[\]|\n]{1,100})(?:\|([a-z0-9-]{1,100}))?\]\]"
_CITATION = re.compile(CITATION_RE)
_TERM = re.compile(TERM_RE)
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


def formatting_characters(text: str) -> int:
    """How many characters of ``text`` can start Markdown syntax (line breaks included)."""
    counted = sum(text.count(char) for char in FORMATTING_CHARACTERS)
    return counted + len(_ORDERED_MARKER.findall(text))


def validate_markdown(text: str) -> None:
    """Refuse input that is too big, or has more formatting than a text can be rendered with."""
    if text is None:
        return
    if "\x00" in text:
        raise ValidationError("The text contains a NUL character; remove it and save again.")
    if len(text) > MAX_MARKDOWN_LENGTH:
        raise ValidationError(
            f"The text is {len(text):,} characters long; the limit is {MAX_MARKDOWN_LENGTH:,}. "
            "Split it or move detail to a sub-page."
        )
    formatting = formatting_characters(text)
    if formatting > MAX_FORMATTING_CHARACTERS:
        raise ValidationError(
            f"The text has {formatting:,} line breaks and formatting characters (such as "
            f"* _ [ ] ` # > | and quotes); at most {MAX_FORMATTING_CHARACTERS:,} fit in one "
            "text. Split it or move detail to a sub-page, and remove runs of symbols that are "
            "not meant as formatting."
        )


def cited_keys(text: str) -> list[str]:
    """Reference keys cited in ``text``, in order of first citation."""
    keys: list[str] = []
    for match in _CITATION.finditer(text or ""):
        for key in _CITED_KEY.findall(match.group(0)):
            if key not in keys:
                keys.append(key)
    return keys


def marked_terms(text: str) -> list[tuple[str, str | None]]:
    """(shown text, explicit slug or None) for each glossary mark in ``text``."""
    return [(m.group(1), m.group(2)) for m in _TERM.finditer(text or "")]


def _citation_items(body: str) -> list[tuple[str, str]]:
    """(key, locator) for each item of a citation's body: "@a, p. 3; @b" -> a with "p. 3", b."""
    items = []
    for item in body.split(";"):
        key, _, locator = item.strip().lstrip("@").partition(",")
        items.append((key.strip(), " ".join(locator.split())))
    return items


@dataclass
class MarkdownPage:
    """What one rendered page shares across its parts: reference numbers and element ids.

    ``references`` maps key -> Reference; ``terms`` maps lower-cased form or slug ->
    GlossaryTerm. Unknown keys and terms are collected rather than raised, so a preview
    can still show the rest of the text.
    """

    references: dict = field(default_factory=dict)
    terms: dict = field(default_factory=dict)
    numbers: dict = field(default_factory=dict)  # reference key -> number on this page
    citations: dict = field(default_factory=dict)  # reference key -> times cited on this page
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

    def citation_id(self, key: str) -> str:
        """The id of a new citation of ``key`` (already numbered): its number and how many
        times the page has cited it so far, so the reference list can link back to each."""
        self.citations[key] = self.citations.get(key, 0) + 1
        return citation_id(self.id_prefix, self.numbers[key], self.citations[key])


def citation_id(id_prefix: str, number: int, occurrence: int) -> str:
    """The id of the ``occurrence``-th citation (from 1) of reference ``number`` on a page."""
    return f"{id_prefix}-cite-{number}-{occurrence}"


# --- Parsing: citations and glossary terms as markdown-it inline rules -----------------------


def _citation_rule(state, silent: bool) -> bool:
    """``[@key, locator; @other]`` at the current position becomes one "citation" token."""
    if not state.src.startswith("[@", state.pos):
        return False
    match = _CITATION.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    if not silent:
        state.push("citation", "sup", 0).meta = {"body": match.group(1)}
    state.pos = match.end()
    return True


def _term_rule(state, silent: bool) -> bool:
    """``[[shown]]`` or ``[[shown|slug]]`` at the current position becomes a "term" token."""
    if not state.src.startswith("[[", state.pos):
        return False
    match = _TERM.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    if not silent:
        state.push("term", "span", 0).meta = {"shown": match.group(1), "slug": match.group(2)}
    state.pos = match.end()
    return True


def _render_citation(self, tokens, idx, options, env) -> str:
    page: MarkdownPage = env["page"]
    parts = []
    for index, (key, locator) in enumerate(_citation_items(tokens[idx].meta["body"])):
        if index:
            parts.append("<span>,</span>")
        number = page.number_for(key)
        if number is None:
            parts.append(f'<span class="cite-missing">[unknown reference @{escape(key)}]</span>')
            continue
        tip_id = page.new_id("cite")
        tip = page.references[key].citation + (f" ({locator})" if locator else "")
        parts.append(
            f'<span class="tip-wrap"><a aria-describedby="{escape(tip_id)}" class="cite-link" '
            f'href="#ref-{number}" id="{escape(page.citation_id(key))}">{number}</a>'
            f'<span class="tip" id="{escape(tip_id)}" role="tooltip">{escape(tip)}</span></span>'
        )
    return f'<sup class="cite">{"".join(parts)}</sup>'


def _render_term(self, tokens, idx, options, env) -> str:
    page: MarkdownPage = env["page"]
    shown, slug = tokens[idx].meta["shown"].strip(), tokens[idx].meta["slug"]
    term = page.terms.get(slug or shown.lower())
    if term is None:
        page.missing.append(f"[[{slug or shown}]]")
        return f'<span class="term-missing">{escape(shown)}</span>'
    page.marked[term.slug] = term
    tip_id = page.new_id("term")
    return (
        f'<span class="tip-wrap"><a aria-describedby="{escape(tip_id)}" class="term" '
        f'href="{escape(term.get_absolute_url())}">{escape(shown)}</a>'
        f'<span class="tip" id="{escape(tip_id)}" role="tooltip">'
        f"{escape(term.short_definition)}</span></span>"
    )


# --- Tables: at most MAX_TABLE_CELLS body cells in one text -----------------------------------


def _table_rule(state, start_line: int, end_line: int, silent: bool) -> bool:
    """markdown-it's table rule, given only as many lines as the cells the text has left.

    markdown-it limits the empty cells it adds to short rows per table, but every table starts
    afresh: a few dozen narrow tables under wide headers make hundreds of thousands of cells
    (and seconds of work) from a few kilobytes. Rows past the limit are parsed as ordinary text.
    """
    if silent:
        return markdown_it_table(state, start_line, end_line, True)
    left = state.env.get("table_cells_left", MAX_TABLE_CELLS)
    begin = state.bMarks[start_line] + state.tShift[start_line]
    columns = state.src.count("|", begin, state.eMarks[start_line]) + 1  # at least the header's
    end_line = min(end_line, start_line + 2 + left // columns)
    first_new = len(state.tokens)
    if not markdown_it_table(state, start_line, end_line, False):
        return False
    used = sum(token.type == "td_open" for token in state.tokens[first_new:])
    state.env["table_cells_left"] = left - used
    return True


# --- Blocks nested deeper than MAX_NESTING: shown as text, not dropped ------------------------

_CONTAINERS = {"blockquote_open", "list_item_open"}


def _keep_overflowing_blocks(state) -> None:
    """markdown-it skips the content of a container opened at the nesting limit; show its
    source lines as plain text instead, so nothing a researcher wrote silently disappears."""
    line_starts = None
    tokens = []
    for token in state.tokens:
        tokens.append(token)
        if token.type in _CONTAINERS and token.level >= MAX_NESTING - 1 and token.map:
            if line_starts is None:
                line_starts = [0] + [m.end() for m in re.finditer("\n", state.src)]
                line_starts.append(len(state.src) + 1)
            first, last = token.map
            end = line_starts[min(last, len(line_starts) - 1)] - 1
            source = state.src[line_starts[first] : end]
            overflow = Token("overflow", "p", 0)
            overflow.content = source.strip()
            overflow.level = token.level + 1
            tokens.append(overflow)
    state.tokens[:] = tokens


def _render_overflow(self, tokens, idx, options, env) -> str:
    return f"<p>{escapeHtml(tokens[idx].content)}</p>\n"


# --- Typography: smart quotes (linear), dashes and ellipses --------------------------------

_QUOTE = re.compile(r"['\"]")
_OPEN_DOUBLE, _CLOSE_DOUBLE, _OPEN_SINGLE, _CLOSE_SINGLE = "\u201c\u201d\u2018\u2019"
_APOSTROPHE = "\u2019"
_EM_DASH = re.compile(r"(?<!-)---(?!-)")
_EN_DASH = re.compile(r"(?<!-)--(?!-)")
_ELLIPSIS = re.compile(r"(?<!\.)\.\.\.(?!\.)")


def _is_punct(char: str) -> bool:
    return isMdAsciiPunct(ord(char)) or isPunctChar(char)


def _neighbour(tokens, index: int, step: int) -> str:
    """The character next to token ``index`` on its line (a space at a line's end)."""
    index += step
    while 0 <= index < len(tokens):
        token = tokens[index]
        if token.type in ("softbreak", "hardbreak"):
            break
        if token.content:
            return token.content[-1] if step < 0 else token.content[0]
        index += step
    return " "


def _smart_quotes(tokens) -> None:
    """markdown-it's smartquotes rule, with the same pairing, in linear time.

    Its rule copies a token's whole text for every quote it replaces, searches from a copy of
    the rest of the text for each quote, and scans its whole stack of open quotes for each
    closing one: quadratic in quotes. Here edits go to a list of characters joined once per
    token, the search runs on the text in place, and the open quotes of each kind are indexed,
    so a closing quote finds its partner at once.
    """
    stack: list[tuple[int, int, bool, int]] = []  # (token index, position, single, level)
    open_of = {True: [], False: []}  # indexes into stack of the single and double openers
    edited: dict[int, list[str]] = {}

    def replace(index: int, position: int, char: str) -> None:
        if index not in edited:
            edited[index] = list(tokens[index].content)
        edited[index][position] = char

    def truncate(length: int) -> None:
        del stack[length:]
        for openers in open_of.values():
            while openers and openers[-1] >= length:
                openers.pop()

    for index, token in enumerate(tokens):
        level = token.level
        depth = len(stack)
        while depth and stack[depth - 1][3] > level:
            depth -= 1
        truncate(depth)
        if token.type != "text":
            continue
        text = token.content
        for match in _QUOTE.finditer(text):
            position = match.start()
            single = match.group() == "'"
            last = text[position - 1] if position else _neighbour(tokens, index, -1)
            after = position + 1
            following = text[after] if after < len(text) else _neighbour(tokens, index, 1)
            last_punct, next_punct = _is_punct(last), _is_punct(following)
            last_space, next_space = isWhiteSpace(ord(last)), isWhiteSpace(ord(following))
            can_open = not (next_space or (next_punct and not (last_space or last_punct)))
            can_close = not (last_space or (last_punct and not (next_space or next_punct)))
            if following == '"' and not single and "0" <= last <= "9":
                can_open = can_close = False  # 1"" : the first quote is an inch mark
            if can_open and can_close:
                # Only in a run of punctuation, not inside a word: foo-"-bar, not foo"bar.
                can_open, can_close = last_punct, next_punct
            if not can_open and not can_close:
                if single:
                    replace(index, position, _APOSTROPHE)
                continue
            if can_close and open_of[single]:
                opener = open_of[single][-1]
                opener_token, opener_position, _, opener_level = stack[opener]
                if opener_level == level:
                    replace(index, position, _CLOSE_SINGLE if single else _CLOSE_DOUBLE)
                    replace(opener_token, opener_position, _OPEN_SINGLE if single else _OPEN_DOUBLE)
                    truncate(opener)
                    continue
            if can_open:
                open_of[single].append(len(stack))
                stack.append((index, position, single, level))
            elif can_close and single:
                replace(index, position, _APOSTROPHE)
    for index, chars in edited.items():
        tokens[index].content = "".join(chars)


def _typography(state) -> None:
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        if _QUOTE.search(block.content):
            _smart_quotes(block.children)
        if "--" in block.content or "..." in block.content:
            inside_autolink = False
            for token in block.children:
                if token.type == "link_open" and token.info == "auto":
                    inside_autolink = True
                elif token.type == "link_close" and token.info == "auto":
                    inside_autolink = False
                elif token.type == "text" and not inside_autolink:
                    content = _EM_DASH.sub("\u2014", token.content)
                    content = _EN_DASH.sub("\u2013", content)
                    token.content = _ELLIPSIS.sub("\u2026", content)


# --- Headings below the page title; table alignment the sanitiser keeps ----------------------


def _shift_headings_and_align_cells(state) -> None:
    """Markdown '#' becomes the page's next heading level, so a page keeps one <h1>; table
    cells are aligned with ``align`` (which the sanitiser allows) rather than ``style``."""
    top_level = state.env.get("top_level", 3)
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + top_level - 1, 6)}"
        elif token.type in ("th_open", "td_open") and token.attrs:
            style = str(token.attrs.pop("style", ""))
            if style.startswith("text-align:"):
                token.attrs["align"] = style.removeprefix("text-align:")


# --- Link destinations scanned by regular expression ---------------------------------------

_DESTINATION_STOP = re.compile(r"[\x00-\x20\x7f\\()]")


def _parse_link_destination(string: str, pos: int, maximum: int):
    """markdown-it's parseLinkDestination, with the same result, skipping ordinary characters
    by regular expression: a failed ``[x](`` scans up to 32 nested parentheses onwards, which
    the character loop made cost ~32 Python steps per character of a hostile text."""
    if string.startswith("<", pos):
        return markdown_it_helpers.parseLinkDestination(string, pos, maximum)
    result = SimpleNamespace(ok=False, pos=0, str="")
    start = pos
    level = 0
    while pos < maximum:
        stop = _DESTINATION_STOP.search(string, pos, maximum)
        if stop is None:
            pos = maximum
            break
        pos = stop.start()
        char = string[pos]
        if char <= " " or char == "\x7f":
            break
        if char == "\\" and pos + 1 < maximum:
            if string[pos + 1] == " ":
                break
            pos += 2
            continue
        if char == "(":
            level += 1
            if level > 32:
                return result
        elif char == ")":
            if level == 0:
                break
            level -= 1
        pos += 1
    if start == pos or level != 0:
        return result
    result.str = unescapeAll(string[start:pos])
    result.pos = pos
    result.ok = True
    return result


# --- Link addresses percent-encoded by regular expression ----------------------------------

# What mdurl.encode leaves as it is: letters, digits, these characters, and %XX escapes.
_URL_TO_ENCODE = re.compile(r"%(?![0-9a-fA-F]{2})|[^A-Za-z0-9;/?:@&=+$,\-_.!~*'()#%]+")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _percent_encode(url: str) -> str:
    """mdurl.encode's result, by regular expression: it appends to a string character by
    character, seconds (or, with an unlucky allocator, quadratic time) for a long address of
    non-ASCII characters."""

    def encode(match: re.Match) -> str:
        return quote(_SURROGATE.sub("\ufffd", match.group()), safe="")

    return _URL_TO_ENCODE.sub(encode, url)


def _normalize_link(url: str) -> str:
    """markdown-it's normalizeLink (common/normalize_url.py), with _percent_encode."""
    parsed = mdurl.parse(url, slashes_denote_host=True)
    if parsed.hostname and (not parsed.protocol or parsed.protocol in _RECODE_HOSTNAME_FOR):
        with suppress(Exception):
            parsed = parsed._replace(hostname=_punycode.to_ascii(parsed.hostname))
    if not parsed.hostname or ":" not in parsed.hostname:
        return _percent_encode(mdurl.format(parsed))
    # Encode components before format() adds the IPv6 host brackets.
    return mdurl.format(
        parsed._replace(
            protocol=parsed.protocol and _percent_encode(parsed.protocol),
            auth=parsed.auth and _percent_encode(parsed.auth),
            hostname=_percent_encode(parsed.hostname),
            pathname=parsed.pathname and _percent_encode(parsed.pathname),
            search=parsed.search and _percent_encode(parsed.search),
            hash=parsed.hash and _percent_encode(parsed.hash),
        )
    )


_RECODE_HOSTNAME_FOR = ("http:", "https:", "mailto:")


# --- Rendering, with the HTML bounded as it is produced --------------------------------------


class _HTMLTooLongError(Exception):
    pass


class _BoundedRenderer(RendererHTML):
    """markdown-it's HTML renderer, stopping as soon as the HTML passes MAX_HTML_LENGTH."""

    def render(self, tokens, options, env) -> str:
        out = []
        for i, token in enumerate(tokens):
            if token.type == "inline":
                if token.children:
                    out.append(self.renderInline(token.children, options, env))
                continue
            if token.type in self.rules:
                piece = self.rules[token.type](tokens, i, options, env)
            else:
                piece = self.renderToken(tokens, i, options, env)
            self._count(piece, env)
            out.append(piece)
        return "".join(out)

    def renderInline(self, tokens, options, env) -> str:  # noqa: N802 (markdown-it's API)
        out = []
        for i, token in enumerate(tokens):
            if token.type in self.rules:
                piece = self.rules[token.type](tokens, i, options, env)
            else:
                piece = self.renderToken(tokens, i, options, env)
            self._count(piece, env)
            out.append(piece)
        return "".join(out)

    @staticmethod
    def _count(piece: str, env) -> None:
        env["html_length"] = env.get("html_length", 0) + len(piece)
        if env["html_length"] > MAX_HTML_LENGTH:
            raise _HTMLTooLongError


def _parser() -> MarkdownIt:
    md = MarkdownIt(
        "commonmark",
        {"html": False, "maxNesting": MAX_NESTING, "typographer": False},
        renderer_cls=_BoundedRenderer,
    ).enable("table")
    md.helpers = SimpleNamespace(
        parseLinkLabel=markdown_it_helpers.parseLinkLabel,
        parseLinkDestination=_parse_link_destination,
        parseLinkTitle=markdown_it_helpers.parseLinkTitle,
    )
    md.normalizeLink = _normalize_link
    md.block.ruler.at("table", _table_rule)
    md.inline.ruler.before("link", "glossary_term", _term_rule)
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.core.ruler.after("block", "keep_overflowing_blocks", _keep_overflowing_blocks)
    md.core.ruler.after("smartquotes", "typography", _typography)
    md.core.ruler.push("shift_headings_and_align_cells", _shift_headings_and_align_cells)
    md.add_render_rule("citation", _render_citation)
    md.add_render_rule("term", _render_term)
    md.add_render_rule("overflow", _render_overflow)
    return md


# One parser for the process: markdown-it keeps all per-text state in the parse and the env.
_MARKDOWN = _parser()


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


def render(text: str, page: MarkdownPage | None = None, top_level: int = 3) -> str:
    """Markdown to safe HTML. ``top_level`` is the heading level that '#' becomes."""
    validate_markdown(text)
    page = page if page is not None else MarkdownPage()
    env = {"page": page, "top_level": top_level}
    try:
        html = _MARKDOWN.render(text or "", env)
    except _HTMLTooLongError:
        raise ValidationError(
            f"The text would make more than {MAX_HTML_LENGTH:,} characters of HTML. This comes "
            "from very many citations or glossary marks, a link used very many times, or a "
            "very wide table: split the text or move detail to a sub-page."
        ) from None
    return sanitize(html)


# --- Validation without rendering -----------------------------------------------------------


def _missing_marks(text: str, page: MarkdownPage) -> list[str]:
    """The unknown keys and terms that rendering ``text`` with ``page`` would report.

    Rendering finds citations and terms with these same expressions, on parts of the text, so
    every mark it can find is found here (and a few it would not, such as marks inside code,
    which must resolve too).
    """
    missing = []
    for match in _CITATION.finditer(text):
        for key, _ in _citation_items(match.group(1)):
            if key not in page.references:
                missing.append(f"@{key}")
    for match in _TERM.finditer(text):
        shown, slug = match.group(1).strip(), match.group(2)
        if page.terms.get(slug or shown.lower()) is None:
            missing.append(f"[[{slug or shown}]]")
    return missing


# Upper bounds, per source character, of the HTML that markdown-it and our rules make
# (tests/therapies/test_markdown.py checks them on generated texts):
_HTML_PER_PLAIN_ASCII = 3  # in an autolink's address and text; a space percent-encoded
_HTML_PER_OTHER = 13  # percent-encoded UTF-8 in a link address (12), and its text
_HTML_PER_FORMATTING = 48  # the tags a marker opens and closes (a quote's, 35), or an entity
_HTML_PER_LINE = 40  # a table row's or a paragraph's tags
_HTML_PER_TABLE_CELL = 40  # a body cell markdown-it adds to a short row, with its alignment
_HTML_PER_MARK = 250  # a citation item's or a term's markup, but its ids, link and texts


# "]:" ends every link definition's label; a label holds no unescaped "]", so "]]:" (a glossary
# mark before a colon) is none unless the first "]" is escaped.
_MAYBE_LINK_DEFINITION = re.compile(r"(?<!\])\]:|\\\]\]:")


def _html_bound(text: str, page: MarkdownPage) -> int:
    """An upper bound on the length of the HTML that rendering ``text`` with ``page`` makes,
    from character counts and the texts of the cited references and marked terms."""
    if _MAYBE_LINK_DEFINITION.search(text):
        # Perhaps a reference-style link definition ("[label]: address"), whose address every
        # use of the label repeats: no bound from counts, so validation renders to measure.
        return MAX_HTML_LENGTH + 1
    formatting = formatting_characters(text)
    ascii_chars = len(text.encode("ascii", "ignore"))
    lines = text.count("\n") + text.count("\r") + 1
    bound = (
        _HTML_PER_PLAIN_ASCII * (ascii_chars - formatting)
        + _HTML_PER_OTHER * (len(text) - ascii_chars)
        + _HTML_PER_FORMATTING * formatting
        + _HTML_PER_LINE * lines
    )
    if "|" in text:
        cells = min(MAX_TABLE_CELLS, (text.count("|") + 1) * lines)
        bound += _HTML_PER_TABLE_CELL * cells
    id_length = len(page.id_prefix) + 20
    for match in _CITATION.finditer(text):
        for key, locator in _citation_items(match.group(1)):
            reference = page.references.get(key)
            tip = f"{reference.citation} ({locator})" if reference else key
            bound += _HTML_PER_MARK + 3 * id_length + len(escape(tip))
    for match in _TERM.finditer(text):
        term = page.terms.get(match.group(2) or match.group(1).strip().lower())
        texts = [match.group(1)]
        if term is not None:
            texts += [term.short_definition, term.get_absolute_url()]
        bound += _HTML_PER_MARK + 2 * id_length + sum(len(escape(t)) for t in texts)
    return bound


def validate_marks(text: str, page: MarkdownPage) -> None:
    """Every key ``text`` cites and every term it marks must be in ``page`` (the references
    and terms looked up for it), so a saved page has no dangling marker; and the text must
    render within MAX_HTML_LENGTH (rendered to check only when the bound from its characters
    and marks passes the limit)."""
    validate_markdown(text)
    text = text or ""
    missing = _missing_marks(text, page)
    if missing:
        unknown = ", ".join(dict.fromkeys(missing))
        raise ValidationError(
            f"Not found: {unknown}. Add the reference or glossary term first, or fix the spelling."
        )
    if _html_bound(text, page) > MAX_HTML_LENGTH:
        render(text, page)

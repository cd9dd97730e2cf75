"""The demo content: data files under ``settings.DEMO_CONTENT_DIR`` (``demo/README.md``).

Shared records are TOML files; each review is a Markdown file with TOML front matter between
``+++`` lines, its sub-pages Markdown files in a folder of the same name. This module reads
them into plain dicts and checks their shape (which keys, of which types), so a malformed
file is refused with its name before anything is written; ``manage.py load_demo`` then
creates the rows, each validated as the admin validates it.
"""

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .models import SubPage

# The sign-ins (in users.toml) who wrote the sample reviews and approved them.
AUTHOR, APPROVER = "researcher", "consultant"

# Shapes: key -> type, required then optional. Values are checked on save, like the admin's.
USERS_FILE = {"password": str, "user": list}, {}
USER = {"username": str, "first_name": str, "last_name": str, "email": str, "role": str}, {}
CATEGORY = {"name": str, "slug": str}, {"description": str, "order": int}
CANCER_TYPE = {"name": str, "slug": str}, {}
TERM = {"term": str, "slug": str, "short_definition": str, "definition": str}, {"variants": str}
REFERENCE = (
    {"key": str, "title": str},
    {
        **dict.fromkeys(["kind", "authors", "container", "place", "volume", "issue"], str),
        **dict.fromkeys(["pages", "doi", "pmid", "url"], str),
        "year": int,
        "viewed_on": date,
    },
)
PERSON = (
    {"name": str, "slug": str, "credentials": str, "role_title": str, "short_bio": str},
    {"bio": str, "user": str},
)
REVIEW = (
    {
        "name": str,
        "category": str,
        "summary": str,
        "last_updated": date,
        "literature_reviewed": date,
        "change_summary": str,
        "ratings": dict,
        "credits": list,
        "cautions": dict,
    },
    {
        "alternate_names": str,
        "cancer_types": list,
        "review_interval_months": int,
        "earlier": list,
        "findings": list,
    },
)
# A research finding (``therapies.models.Finding``): its benefit is an attribute's code, its
# cancer type a slug of cancer-types.toml, its level an evidence level's code.
FINDING = (
    {
        **dict.fromkeys(["benefit", "cancer_type", "direction", "level", "outcome"], str),
        **dict.fromkeys(["population", "sources"], str),
    },
    {"combined_with": str, "detail": str},
)
# An earlier published version of a review, oldest first: the same content but for what it
# changes, superseded by the next one (so the review has a history of rating changes).
EARLIER = (
    {"last_updated": date, "change_summary": str},
    {"literature_reviewed": date, "change_kind": str, "ratings": dict},
)
# The cautions: ReviewVersion's cautions_avoid_if, cautions_interactions, cautions_stop_and_call.
CAUTIONS = {"avoid_if": str, "interactions": str, "stop_and_call": str}, {}
RATING = {"note": str}, {"score": int, "level": str}
CREDIT = {"person": str, "role": str}, {}
SUBPAGE = {}, {"title": str}
DRAFT = {"therapy": str, "added_to_summary": str, "change_summary": str}, {"ratings": dict}
CHANGED_RATING = {}, {"score": int, "level": str, "note": str}


class DemoContentError(Exception):
    """A demo file that cannot be loaded; the message names the file and the problem."""

    def __init__(self, where: str, problem: str):
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Entry:
    """One record of the demo content, and where it was read (for messages)."""

    where: str
    fields: dict


@dataclass(frozen=True)
class DemoContent:
    password: str
    users: list[Entry]
    categories: list[Entry]
    cancer_types: list[Entry]
    glossary_terms: list[Entry]
    references: list[Entry]
    people: list[Entry]
    # Each review's fields hold its "slug", "body" and "subpages" (Entries, in the site's order).
    reviews: list[Entry]
    draft_in_review: Entry


def read_demo_content(folder: Path) -> DemoContent:
    """Read every demo file in ``folder``; raise DemoContentError on the first bad one."""
    if not folder.is_dir():
        raise DemoContentError(str(folder), "no demo content folder here")
    reader = _Reader(folder)
    users = reader.checked(reader.where("users.toml"), reader.toml("users.toml"), USERS_FILE)
    user_entries = reader.table("users.toml", "user", USER, data=users)
    usernames = {entry.fields["username"] for entry in user_entries}
    if not {AUTHOR, APPROVER} <= usernames:
        raise DemoContentError(
            reader.where("users.toml"),
            f"needs the sign-ins '{AUTHOR}' (who wrote the sample reviews) and '{APPROVER}' "
            "(who approved them)",
        )
    return DemoContent(
        password=users["password"],
        users=user_entries,
        categories=reader.table("categories.toml", "category", CATEGORY),
        cancer_types=reader.table("cancer-types.toml", "cancer_type", CANCER_TYPE),
        glossary_terms=reader.table("glossary.toml", "term", TERM),
        references=reader.table("references.toml", "reference", REFERENCE),
        people=reader.table("people.toml", "person", PERSON),
        reviews=[reader.review(path) for path in sorted((folder / "reviews").glob("*.md"))],
        draft_in_review=reader.draft("draft-in-review.toml"),
    )


class _Reader:
    def __init__(self, folder: Path):
        self.folder = folder

    def where(self, path: Path | str) -> str:
        """A file (or a name in the folder) as a person finds it: demo/reviews/melatonin.md."""
        return str((self.folder / path).relative_to(self.folder.parent))

    def text(self, path: Path) -> str:
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise DemoContentError(self.where(path), "the file is missing") from None
        except UnicodeDecodeError as error:
            raise DemoContentError(self.where(path), f"not UTF-8 text ({error})") from None

    def parse(self, where: str, text: str) -> dict:
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise DemoContentError(where, f"not valid TOML: {error}") from None

    def toml(self, name: str) -> dict:
        return self.parse(self.where(name), self.text(self.folder / name))

    def table(self, name: str, key: str, shape, data: dict | None = None) -> list[Entry]:
        """The records of ``[[key]]`` tables in file ``name``."""
        data = self.toml(name) if data is None else data
        records = data.get(key)
        if not isinstance(records, list) or not records:
            raise DemoContentError(self.where(name), f"no [[{key}]] tables")
        entries = []
        for number, record in enumerate(records, start=1):
            where = f"{self.where(name)}, [[{key}]] number {number}"
            # Named by its first field too (a key, a username) when that is there.
            label = record.get(next(iter(shape[0]))) if isinstance(record, dict) else None
            if isinstance(label, str):
                where += f" ({label})"
            entries.append(Entry(where, self.checked(where, record, shape)))
        return entries

    def checked(self, where: str, record: dict, shape) -> dict:
        """``record`` with surrounding blank space trimmed off its strings (as the admin's
        forms do), once it holds every required key and no other, each of its type."""
        if not isinstance(record, dict):
            raise DemoContentError(where, "should be a table")
        required, optional = shape
        missing = [key for key in required if key not in record]
        if missing:
            raise DemoContentError(where, f"missing {', '.join(missing)}")
        unknown = [key for key in record if key not in required and key not in optional]
        if unknown:
            expected = ", ".join([*required, *optional])
            raise DemoContentError(where, f"unknown {', '.join(unknown)} (expected {expected})")
        for key, value in record.items():
            kind = {**required, **optional}[key]
            if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                raise DemoContentError(where, f"{key} should be a {_TYPE_NAMES[kind]}")
        return {key: _trimmed(value) for key, value in record.items()}

    def markdown(self, path: Path) -> tuple[dict, str]:
        """The front matter (between '+++' lines at the top, if any) and the Markdown body."""
        text = self.text(path)
        if not text.startswith("+++\n"):
            return {}, text.strip()
        front, closed, body = text.removeprefix("+++\n").partition("\n+++\n")
        if not closed:
            raise DemoContentError(
                self.where(path), "the front matter opened by '+++' has no closing '+++' line"
            )
        return self.parse(self.where(path), front), body.strip()

    def review(self, path: Path) -> Entry:
        where = self.where(path)
        front, body = self.markdown(path)
        fields = self.checked(where, front, REVIEW)
        fields["ratings"] = {
            code: self.checked(f"{where}, ratings.{code}", rating, RATING)
            for code, rating in fields["ratings"].items()
        }
        fields["cautions"] = self.checked(f"{where}, cautions", fields["cautions"], CAUTIONS)
        fields["credits"] = [
            self.checked(f"{where}, credit number {number}", credit, CREDIT)
            for number, credit in enumerate(fields["credits"], start=1)
        ]
        fields["findings"] = [
            self.checked(f"{where}, finding number {number}", finding, FINDING)
            for number, finding in enumerate(fields.get("findings", []), start=1)
        ]
        fields["earlier"] = [
            self.changes(f"{where}, earlier version number {number}", earlier, EARLIER)
            for number, earlier in enumerate(fields.get("earlier", []), start=1)
        ]
        if not all(isinstance(slug, str) for slug in fields.get("cancer_types", [])):
            raise DemoContentError(where, "cancer_types should be a list of slugs")
        fields.update(slug=path.stem, body=body, subpages=self.subpages(path.with_suffix("")))
        return Entry(where, fields)

    def draft(self, name: str) -> Entry:
        where = self.where(name)
        return Entry(where, self.changes(where, self.toml(name), DRAFT))

    def changes(self, where: str, record: dict, shape) -> dict:
        """A version that changes some of a review's ratings (``shape``, with ``ratings``)."""
        fields = self.checked(where, record, shape)
        fields["ratings"] = {
            code: self.checked(f"{where}, ratings.{code}", rating, CHANGED_RATING)
            for code, rating in fields.get("ratings", {}).items()
        }
        return fields

    def subpages(self, folder: Path) -> list[Entry]:
        paths = {path.stem: path for path in folder.glob("*.md")}
        unknown = sorted(set(paths) - set(SubPage.Kind.values))
        if unknown:
            raise DemoContentError(
                self.where(paths[unknown[0]]),
                f"not a kind of sub-page (the file names are {', '.join(SubPage.Kind.values)})",
            )
        entries = []
        for kind in SubPage.Kind.values:  # created in the order the site lists them
            if kind in paths:
                where = self.where(paths[kind])
                front, body = self.markdown(paths[kind])
                fields = {**self.checked(where, front, SUBPAGE), "kind": kind, "body": body}
                entries.append(Entry(where, fields))
        return entries


_TYPE_NAMES = {str: "string", int: "whole number", date: "date", list: "list", dict: "table"}


def _trimmed(value):
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return [_trimmed(item) for item in value]
    if isinstance(value, dict):
        return {key: _trimmed(item) for key, item in value.items()}
    return value

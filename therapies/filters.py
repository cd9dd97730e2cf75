"""What the index's search and the cancer-type guides share: a GET form of filters bound to the
query string, whose values we cannot use are named on the page while the rest apply, and the
links the page writes, which never carry an empty field."""

from django import forms
from django.utils.http import urlencode


class PageNumberField(forms.Field):
    """A page number: anything that is not a whole number of 1 or more asks for the first page
    (a number beyond the last page is the paginator's to settle)."""

    def to_python(self, value):
        try:
            return max(1, int(value))
        except (TypeError, ValueError):
            return 1


class FilterForm(forms.Form):
    """Filters named in ``FILTERS`` (in the order the address lists them) and a page."""

    FILTERS: tuple[str, ...] = ()
    page = PageNumberField(required=False)

    @property
    def choices(self) -> dict:
        """The filters in effect: what was asked for and is valid, without empty values."""
        return {
            name: self.cleaned_data[name]
            for name in self.FILTERS
            if self.cleaned_data.get(name) not in (None, "")
        }

    @property
    def error_list(self) -> list[tuple[str, str]]:
        """(id, message) for each error, those about the form as a whole first; the first
        message about a field has the id its control's ``aria-describedby`` names."""
        listed = [("", message) for message in self.non_field_errors()]
        for name in self.FILTERS:
            for n, message in enumerate(self.errors.get(name, [])):
                listed.append(("" if n else f"id_{name}_error", message))
        return listed

    def query_string(self, **changes) -> str:
        """The query string of the filters in effect, with ``changes`` (None drops a field; a
        page only when one is given), never an empty field: for the links the page writes."""
        values = {name: self.data.get(name) for name in self.choices}
        values.update(changes)
        pairs = [
            (name, value)
            for name in (*self.FILTERS, "page")
            if (value := values.get(name)) not in (None, "")
        ]
        return f"?{urlencode(pairs)}" if pairs else "?"

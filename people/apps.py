from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"

    def ready(self):
        from cancerchoices.cache import bump_on_change
        from cancerchoices.text import store_lf_line_endings

        from .models import Person

        # Reviewer cards and "clinically reviewed by" are composed from profiles on each request.
        bump_on_change(Person)
        store_lf_line_endings(self)

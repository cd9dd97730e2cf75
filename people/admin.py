from django.contrib import admin
from django.db import models
from markdownx.admin import MarkdownxModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from therapies.images import ImageUploadField
from therapies.rendering import render_person

from .models import Person


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin, MarkdownxModelAdmin):
    # A new photo is stored only as a re-encoded JPEG or PNG under a random name.
    formfield_overrides = {
        **MarkdownxModelAdmin.formfield_overrides,
        models.ImageField: {"form_class": ImageUploadField},
    }
    list_display = ["name", "credentials", "role_title", "is_sample"]
    list_filter = ["is_sample", "role_title"]
    search_fields = ["name", "credentials", "role_title", "short_bio"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        render_person(obj)

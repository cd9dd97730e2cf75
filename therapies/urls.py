from django.urls import path

from . import views
from .feeds import TherapyFeed, UpdatesFeed

app_name = "therapies"

urlpatterns = [
    path("therapies/", views.TherapyListView.as_view(), name="list"),
    path("therapies/<slug:slug>/", views.TherapyDetailView.as_view(), name="detail"),
    # Before the sub-page pattern, which would otherwise take these for kinds of page.
    path("therapies/<slug:slug>/feed/", TherapyFeed(), name="therapy_feed"),
    path("therapies/<slug:slug>/changes/", views.ChangesView.as_view(), name="changes"),
    path("therapies/<slug:slug>/<slug:kind>/", views.SubPageView.as_view(), name="subpage"),
    path("feeds/updates/", UpdatesFeed(), name="updates_feed"),
    path("glossary/", views.GlossaryView.as_view(), name="glossary"),
    path("compare/", views.CompareView.as_view(), name="compare"),
]

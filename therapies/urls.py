from django.urls import path

from . import views
from .feeds import RatingFeed, TherapyFeed, UpdatesFeed

app_name = "therapies"
follow_former_slug = views.follow_former_slug


def review_page(view_class):
    return follow_former_slug(view_class.as_view())


urlpatterns = [
    path("therapies/", views.TherapyListView.as_view(), name="list"),
    # A therapy's former addresses redirect to these (views.follow_former_slug).
    path("therapies/<slug:slug>/", review_page(views.TherapyDetailView), name="detail"),
    # Before the sub-page pattern, which would otherwise take these for kinds of page.
    path("therapies/<slug:slug>/feed/", follow_former_slug(TherapyFeed()), name="therapy_feed"),
    path("therapies/<slug:slug>/changes/", review_page(views.ChangesView), name="changes"),
    path("therapies/<slug:slug>/ratings/", review_page(views.RatingHistoryView), name="ratings"),
    path(
        "therapies/<slug:slug>/ratings/feed/",
        follow_former_slug(RatingFeed()),
        name="ratings_feed",
    ),
    path("therapies/<slug:slug>/<slug:kind>/", review_page(views.SubPageView), name="subpage"),
    path("feeds/updates/", UpdatesFeed(), name="updates_feed"),
    path("cancer-types/", views.CancerTypeListView.as_view(), name="cancer_types"),
    path("cancer-types/<slug:slug>/", views.CancerTypeGuideView.as_view(), name="cancer_type"),
    path("glossary/", views.GlossaryView.as_view(), name="glossary"),
    path("compare/", views.CompareView.as_view(), name="compare"),
    path("contact/", views.ContactView.as_view(), name="contact"),
    path("people/", views.PersonListView.as_view(), name="people"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person"),
]

from django.urls import path

from . import views

app_name = "therapies"

urlpatterns = [
    path("therapies/", views.TherapyListView.as_view(), name="list"),
    path("therapies/<slug:slug>/", views.TherapyDetailView.as_view(), name="detail"),
    path("therapies/<slug:slug>/<slug:kind>/", views.SubPageView.as_view(), name="subpage"),
    path("glossary/", views.GlossaryView.as_view(), name="glossary"),
]

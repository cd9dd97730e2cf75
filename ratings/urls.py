from django.urls import path

from . import views

app_name = "ratings"

urlpatterns = [
    path("methodology/", views.MethodologyView.as_view(), name="methodology"),
]

from django.urls import path

from . import views

app_name = "drafts_api"

urlpatterns = [
    path("drafts/", views.DraftListView.as_view(), name="draft_list"),
    path("drafts/<slug:slug>/", views.DraftDetailView.as_view(), name="draft_detail"),
    path(
        "drafts/<slug:slug>/versions/<int:number>/",
        views.VersionDetailView.as_view(),
        name="version_detail",
    ),
    path("drafts/<slug:slug>/diff/", views.DiffView.as_view(), name="diff"),
]

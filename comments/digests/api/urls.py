from django.urls import path

from . import views

app_name = "digests_api"

urlpatterns = [
    path(
        "drafts/<slug:slug>/versions/<int:number>/digests/",
        views.VersionDigestsView.as_view(),
        name="version_digests",
    ),
    path("digests/<int:pk>/", views.DigestView.as_view(), name="digest_detail"),
    path(
        "digests/<int:pk>/synthesis/", views.DigestSynthesisView.as_view(), name="digest_synthesis"
    ),
    path(
        "digests/<int:pk>/files/<str:format>",
        views.DigestFileView.as_view(),
        name="digest_file",
    ),
]

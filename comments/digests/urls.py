from django.urls import path

from . import views

app_name = "digests"

urlpatterns = [
    path(
        "drafts/<slug:slug>/v<int:number>/digests/",
        views.version_digests,
        name="version_digests",
    ),
    path("digests/<int:pk>/", views.digest_detail, name="digest_detail"),
    path("digests/<int:pk>/files/<str:format>", views.digest_download, name="digest_download"),
]

from django.urls import path

from . import views

app_name = "drafts"

urlpatterns = [
    path("", views.home, name="home"),
    path("drafts/<slug:slug>/", views.version_detail, name="draft_detail"),
    path("drafts/<slug:slug>/v<int:number>/", views.version_detail, name="version_detail"),
    path("drafts/<slug:slug>/compare/", views.compare, name="compare"),
    path("secretariat/", views.desk, name="desk"),
    path("secretariat/drafts/new/", views.draft_create, name="draft_create"),
    path("secretariat/preview/", views.source_preview, name="source_preview"),
    path(
        "secretariat/drafts/<slug:slug>/versions/new/",
        views.version_create,
        name="version_create",
    ),
    path(
        "secretariat/drafts/<slug:slug>/v<int:number>/edit/",
        views.version_edit,
        name="version_edit",
    ),
    path(
        "secretariat/drafts/<slug:slug>/v<int:number>/publish/",
        views.version_publish,
        name="version_publish",
    ),
    path(
        "secretariat/drafts/<slug:slug>/v<int:number>/renderings/",
        views.version_renderings,
        name="version_renderings",
    ),
    path(
        "secretariat/drafts/<slug:slug>/v<int:number>/renderings/<str:language>/",
        views.rendering_action,
        name="rendering_action",
    ),
    path(
        "secretariat/drafts/<slug:slug>/v<int:number>/close/",
        views.version_close,
        name="version_close",
    ),
]

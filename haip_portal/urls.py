from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("drafts.urls")),
    path("", include("comments.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("api/v1/", include("accounts.api.urls")),
    path("admin/", admin.site.urls),
]

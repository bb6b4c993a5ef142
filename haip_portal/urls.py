from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include("drafts.urls")),
    path("", include("comments.urls")),
    path("", include("comments.digests.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("api/v1/", include("accounts.api.urls")),
    path("api/v1/", include("drafts.api.urls")),
    path("api/v1/", include("comments.api.urls")),
    path("api/v1/", include("comments.digests.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path("admin/", admin.site.urls),
]

handler400 = "haip_portal.errors.bad_request"
handler403 = "haip_portal.errors.permission_denied"
handler404 = "haip_portal.errors.page_not_found"
handler500 = "haip_portal.errors.server_error"

from django.urls import path  # noqa: F401

app_name = "drafts_api"

urlpatterns: list = []

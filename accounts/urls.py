from django.urls import path  # noqa: F401 - patterns are added per feature below

app_name = "accounts"

urlpatterns: list = []

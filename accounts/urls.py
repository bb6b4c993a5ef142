from django.urls import path

from . import language_views, notice_views, views

app_name = "accounts"

urlpatterns: list = [
    path("account/tokens/", views.token_list, name="token_list"),
    path("account/tokens/new/", views.token_create, name="token_create"),
    path("account/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("organisations/", views.my_organisations, name="my_organisations"),
    path("organisations/register/", views.organisation_register, name="organisation_register"),
    path(
        "organisations/individual/",
        views.organisation_register_individual,
        name="organisation_register_individual",
    ),
    path("organisations/join/", views.organisation_join, name="organisation_join"),
    path("organisations/<slug:slug>/join/", views.membership_request, name="membership_request"),
    path(
        "organisations/<slug:slug>/manage/", views.organisation_manage, name="organisation_manage"
    ),
    path(
        "organisations/<slug:slug>/members/<int:pk>/approve/",
        views.membership_approve,
        name="membership_approve",
    ),
    path(
        "organisations/<slug:slug>/members/<int:pk>/reject/",
        views.membership_reject,
        name="membership_reject",
    ),
    path(
        "organisations/<slug:slug>/members/<int:pk>/role/",
        views.membership_set_role,
        name="membership_set_role",
    ),
    path("secretariat/organisations/", views.secretariat_queue, name="secretariat_queue"),
    path("secretariat/organisations/audit/", views.audit_trail, name="audit_trail"),
    path(
        "secretariat/organisations/<slug:slug>/verify/",
        views.organisation_verify,
        name="organisation_verify",
    ),
    path(
        "secretariat/organisations/<slug:slug>/reject/",
        views.organisation_reject,
        name="organisation_reject",
    ),
    path("account/privacy/", views.privacy_overview, name="privacy"),
    path("account/notices/", notice_views.version_notices, name="version_notices"),
    path("language/", language_views.set_language, name="set_language"),
    path("account/close/", views.account_close, name="account_close"),
]

from django.urls import path

from . import export_views, views

app_name = "comments"

urlpatterns = [
    path(
        "drafts/<slug:slug>/v<int:number>/comments/",
        views.version_comments,
        name="version_comments",
    ),
    path(
        "drafts/<slug:slug>/v<int:number>/comments/new/",
        views.comment_create,
        name="comment_create",
    ),
    path("account/first-steps/hide/", views.first_steps_dismiss, name="first_steps_dismiss"),
    path(
        "drafts/<slug:slug>/v<int:number>/you-said-we-did/",
        views.you_said_we_did_page,
        name="you_said_we_did",
    ),
    path(
        "drafts/<slug:slug>/v<int:number>/you-said-we-did.<str:format>",
        views.you_said_we_did_file,
        name="you_said_we_did_file",
    ),
    path("comments/mine/", views.my_comments, name="my_comments"),
    path("comments/<str:reference>/", views.comment_detail, name="comment_detail"),
    path("comments/<str:reference>/receipt/", views.comment_receipt, name="comment_receipt"),
    path(
        "comments/<str:reference>/receipt.pdf",
        views.comment_receipt_pdf,
        name="comment_receipt_pdf",
    ),
    path("comments/<str:reference>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<str:reference>/withdraw/", views.comment_withdraw, name="comment_withdraw"),
    path("comments/<str:reference>/reply/", views.reply_create, name="reply_create"),
    path("comments/<str:reference>/endorse/", views.endorse, name="endorse"),
    path(
        "comments/<str:reference>/endorse/withdraw/",
        views.endorsement_withdraw,
        name="endorsement_withdraw",
    ),
    path("comments/<str:reference>/flag/", views.flag, name="flag"),
    path("comments/<str:reference>/attachments/", views.attachment_add, name="attachment_add"),
    path(
        "comments/<str:reference>/attachments/<int:pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("comments/<str:reference>/hide/", views.hide, name="hide"),
    path("comments/<str:reference>/restore/", views.restore, name="restore"),
    path(
        "comments/<str:reference>/dismiss-reports/",
        views.dismiss_reports,
        name="dismiss_reports",
    ),
    path("comments/<str:reference>/dispose/", views.dispose, name="dispose"),
    path(
        "comments/<str:reference>/respond/",
        views.disposition_respond,
        name="disposition_respond",
    ),
    path("secretariat/objections/", views.objections_list, name="objections"),
    path(
        "secretariat/drafts/<slug:slug>/v<int:number>/responses/",
        views.response_deadline,
        name="response_deadline",
    ),
    path("secretariat/carried/", views.carried_review_queue, name="carried_queue"),
    path("secretariat/carried/<int:pk>/", views.carried_review, name="carried_review"),
    path("secretariat/moderation/", views.moderation_queue, name="moderation_queue"),
    path(
        "secretariat/drafts/<slug:slug>/v<int:number>/matrix.csv",
        export_views.matrix_download,
        name="matrix_download",
    ),
    path(
        "drafts/<slug:slug>/v<int:number>/comments.<str:format>",
        export_views.open_data,
        name="open_data",
    ),
    path(
        "secretariat/drafts/<slug:slug>/v<int:number>/matrix/",
        views.matrix,
        name="matrix",
    ),
]

from django.urls import path

from . import answers, attachments, papers, views

app_name = "comments_api"

urlpatterns = [
    path("papers/", papers.PaperUploadsView.as_view(), name="paper_uploads"),
    path(
        "drafts/<slug:slug>/versions/<int:number>/comments/",
        views.VersionCommentsView.as_view(),
        name="version_comments",
    ),
    path(
        "drafts/<slug:slug>/versions/<int:number>/comments/bulk/",
        views.BulkCommentsView.as_view(),
        name="bulk_comments",
    ),
    path(
        "drafts/<slug:slug>/versions/<int:number>/bulk-submissions/",
        views.BulkSubmissionCreateView.as_view(),
        name="bulk_submissions",
    ),
    path(
        "bulk-submissions/<int:submission_id>/",
        views.BulkSubmissionView.as_view(),
        name="bulk_submission",
    ),
    path(
        "bulk-submissions/<int:submission_id>/rejections.csv",
        views.BulkRejectionsView.as_view(),
        name="bulk_submission_rejections",
    ),
    path(
        "drafts/<slug:slug>/versions/<int:number>/carried/",
        answers.CarriedCommentsView.as_view(),
        name="carried_comments",
    ),
    path(
        "drafts/<slug:slug>/versions/<int:number>/carried/summary/",
        answers.CarriedSummaryView.as_view(),
        name="carried_summary",
    ),
    path(
        "drafts/<slug:slug>/versions/<int:number>/dispositions/",
        answers.DispositionsView.as_view(),
        name="dispositions",
    ),
    path(
        "drafts/<slug:slug>/versions/<int:number>/objections/",
        answers.ObjectionsView.as_view(),
        name="objections",
    ),
    path("comments/<str:reference>/", views.CommentDetailView.as_view(), name="comment_detail"),
    path(
        "comments/<str:reference>/attachments/",
        attachments.CommentAttachmentsView.as_view(),
        name="comment_attachments",
    ),
    path(
        "comments/<str:reference>/attachments/<int:pk>/",
        attachments.CommentAttachmentView.as_view(),
        name="comment_attachment",
    ),
    path(
        "comments/<str:reference>/withdraw/",
        views.CommentWithdrawView.as_view(),
        name="comment_withdraw",
    ),
    path(
        "comments/<str:reference>/replies/", views.CommentReplyView.as_view(), name="comment_reply"
    ),
    path(
        "comments/<str:reference>/endorsements/",
        views.CommentEndorseView.as_view(),
        name="comment_endorse",
    ),
    path(
        "comments/<str:reference>/endorsements/<slug:organisation>/",
        views.CommentEndorsementView.as_view(),
        name="comment_endorsement",
    ),
]

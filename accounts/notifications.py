"""The e-mails of the accounts app, rendered from templates: the secretariat's decision on a
registered organisation, told to the person who registered it."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from haip_portal.site import site_url

from .languages import speaking_to
from .models import Organisation


def send_organisation_decision(organisation_id: int) -> None:
    """Tell the applicant that their organisation was verified, or rejected and why. An
    organisation still pending (or whose applicant has closed their account) sends nothing."""
    organisation = Organisation.objects.select_related("created_by").get(pk=organisation_id)
    applicant = organisation.created_by
    if organisation.status == Organisation.Status.PENDING or applicant is None:
        return
    verified = organisation.status == Organisation.Status.VERIFIED
    with speaking_to(applicant):
        subject = (_("%(name)s is verified") if verified else _("%(name)s was not verified")) % {
            "name": organisation.name
        }
        prefix = _("[HAIP Consultation]")
        body = render_to_string(
            "accounts/email/organisation_decision.txt",
            {
                "organisation": organisation,
                "verified": verified,
                "url": site_url(organisation.get_absolute_url()),
                "register_url": site_url(reverse("accounts:organisation_register")),
            },
        )
    send_mail(
        subject=f"{prefix} {subject}",
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[applicant.email],
    )

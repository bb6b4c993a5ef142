"""Organisations that stakeholders act for, their members, the G7 working groups, and the
append-only audit trail of every decision about them."""

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import DomainNameValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from haip_portal.models import TimeStampedModel


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def verified(self) -> "OrganisationQuerySet":
        return self.filter(status=Organisation.Status.VERIFIED)

    def pending(self) -> "OrganisationQuerySet":
        return self.filter(status=Organisation.Status.PENDING)

    def administered_by(self, user: Any) -> "OrganisationQuerySet":
        """Organisations of which ``user`` is an approved admin (the secretariat is not implied)."""
        return self.filter(
            memberships__user=user,
            memberships__role=Membership.Role.ADMIN,
            memberships__status=Membership.Status.APPROVED,
        )


class Organisation(TimeStampedModel):
    """A body a stakeholder acts for; its verification is decided by the secretariat."""

    class StakeholderType(models.TextChoices):
        COMPANY = "company", _("Company")
        INDUSTRY_ASSOCIATION = "industry_association", _("Industry or business association")
        ACADEMIC = "academic", _("Academic or research institution")
        GOVERNMENT = "government", _("Government or public authority")
        CIVIL_SOCIETY = "civil_society", _("Civil-society organisation or NGO")
        INTERNATIONAL = "international", _("International organisation")
        INDIVIDUAL = "individual", _("Individual")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    stakeholder_type = models.CharField(max_length=32, choices=StakeholderType.choices)
    country = CountryField(
        blank=True,
        help_text="ISO 3166-1 alpha-2 code of the country the organisation is based in.",
    )
    website = models.URLField(blank=True)
    email_domain = models.CharField(
        "e-mail domain",
        max_length=253,
        blank=True,
        validators=[DomainNameValidator(accept_idna=False)],
        help_text="Lowercase, e.g. example.org; blank for individuals.",
    )
    transparency_register_id = models.CharField(
        "transparency register id", max_length=64, blank=True
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    status_reason = models.TextField(blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations_created",
    )

    objects: ClassVar[OrganisationQuerySet] = OrganisationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "name"]),
            models.Index(fields=["email_domain"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email_domain=Lower("email_domain")),
                name="organisation_email_domain_lowercase",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("accounts:organisation_manage", args=[self.slug])

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED


class MembershipQuerySet(models.QuerySet["Membership"]):
    def approved(self) -> "MembershipQuerySet":
        return self.filter(status=Membership.Status.APPROVED)

    def pending(self) -> "MembershipQuerySet":
        return self.filter(status=Membership.Status.PENDING)


class Membership(TimeStampedModel):
    """A user's link to an organisation: what they may do for it, once approved."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        REPRESENTATIVE = "representative", _("Representative (may file on its behalf)")
        ADMIN = "admin", _("Administrator")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    objects: ClassVar[MembershipQuerySet] = MembershipQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["organisation__name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_one_per_user_and_organisation"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation} ({self.role}, {self.status})"


class WorkingGroup(TimeStampedModel):
    """A G7 working group: its members read confidential input on the sections it follows."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="working_groups"
    )
    section_keys = models.JSONField(
        default=list,
        blank=True,
        help_text='Keys of the draft sections it follows, e.g. ["action-3", "action-7"].',
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("Audit entries are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit entries are append-only.")


class AuditEntry(models.Model):
    """One decision: who did what to which record, when and why. Written, never changed."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64, help_text='e.g. "organisation.verify"')
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    target_label = models.CharField(max_length=300, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    objects: ClassVar[AuditEntryQuerySet] = AuditEntryQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.action} {self.target_label or self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit entries are append-only.")

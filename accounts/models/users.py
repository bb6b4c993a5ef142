from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models


class UserManager(DjangoUserManager["User"]):
    """Creates users identified by e-mail address; there is no username."""

    def _create_user_with_email(
        self, email: str, password: str | None, **extra_fields: Any
    ) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user_with_email(email, password, **extra_fields)

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user_with_email(email, password, **extra_fields)


class User(AbstractUser):
    """A person using the portal, signing in with their e-mail address."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField("e-mail address", unique=True)
    name = models.CharField("full name", max_length=200, blank=True)
    notify_new_versions = models.BooleanField(
        "e-mail me when a draft I commented on has a new version",
        default=True,
        help_text="One e-mail per new version: what became of your comments and their answers.",
    )
    first_steps_dismissed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the person hid the first-steps panel of the home page (if they did).",
    )

    language = models.CharField(
        "language of the portal",
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text="The language chosen with the language switch; blank: the browser's.",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def public_name(self) -> str:
        """How other participants see this person: the name they gave, never anything of
        their e-mail address; a closed account shows no name."""
        if not self.is_active:
            return "Former participant"
        return self.name or "Registered participant"

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name or self.email

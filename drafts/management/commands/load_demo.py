"""Load the demonstration consultation: the HAIP Code of Conduct as v1 (open for comment) and a
revised v2 (unpublished), a secretariat account and stakeholder accounts. Safe to run again:
what exists is left as it is, and the demo passwords are set to the printed values."""

from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import SECRETARIAT_GROUP
from drafts import services
from drafts.models import Draft, DraftVersion

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_PASSWORD = "haip-demo-2026"  # noqa: S105 - demo accounts only; printed on purpose
# Secretariat accounts need two-factor authentication: the demo one uses this TOTP secret.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPHAIPDEMO"  # noqa: S105 - printed on purpose
DRAFT_SLUG = "haip-code-of-conduct"

STAKEHOLDERS = [
    ("company", "Aiko Tanaka", "Kumo AI K.K."),
    ("company", "Lena Fischer", "Rheinwerk Models GmbH"),
    ("industry-association", "Marco Bianchi", "European AI Industry Alliance"),
    ("industry-association", "Priya Nair", "Global Software Council"),
    ("academic", "Claire Dubois", "Université de Lyon, AI Ethics Lab"),
    ("academic", "James Okafor", "University of Toronto, Vector Policy Group"),
    ("government", "Hiroshi Sato", "Digital Agency of Japan"),
    ("government", "Emily Clarke", "UK Department for Science, Innovation and Technology"),
    ("civil-society", "Sofia Rossi", "Algorithmic Rights Watch"),
    ("civil-society", "Daniel Weber", "Open Future Foundation"),
    ("international-organisation", "Ana Souza", "OECD AI Policy Observatory"),
    ("individual", "Tom Becker", ""),
]

V2_CHANGELOG = """\
Revised after the first round of comments:

- **Action 1**: red teaming by independent teams; evaluations documented before deployment.
- **Action 2**: serious incidents notified to the competent authorities within 15 days.
- **Action 3**: transparency reports updated at least yearly and at each major release.
- **Action 6**: the separate insider-threat line is folded into the security measures.
- **Action 7**: open provenance standards added.
- **Action 10**: risk management added to the standards to be developed.
"""


class Command(BaseCommand):
    help = "Load the HAIP Code of Conduct consultation and demo accounts (idempotent)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        secretariat = self._user("secretariat@haip.example", "G7 Secretariat", staff=True)
        secretariat.groups.add(Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0])
        if not Authenticator.objects.filter(
            user=secretariat, type=Authenticator.Type.TOTP
        ).exists():
            TOTP.activate(secretariat, DEMO_TOTP_SECRET)
        per_group: Counter[str] = Counter()
        stakeholders = []
        for group, name, _organisation in STAKEHOLDERS:
            per_group[group] += 1
            stakeholders.append(self._user(f"{group}.{per_group[group]}@haip.example", name))
        self._draft(secretariat)

        self.stdout.write(self.style.SUCCESS("Demo data is ready. Accounts (password for all):"))
        self.stdout.write(f"  password: {DEMO_PASSWORD}")
        self.stdout.write(f"  {secretariat.email:<45} secretariat (also /admin/)")
        self.stdout.write(
            f"  {'':<45} two-factor code: TOTP secret {DEMO_TOTP_SECRET} "
            f"(authenticator app, or: oathtool --totp -b {DEMO_TOTP_SECRET})"
        )
        for user, (group, _name, organisation) in zip(stakeholders, STAKEHOLDERS, strict=True):
            acting_for = f" for {organisation}" if organisation else ""
            self.stdout.write(f"  {user.email:<45} {group}{acting_for}")

    def _user(self, email: str, name: str, *, staff: bool = False) -> User:
        user, _ = User.objects.get_or_create(email=email, defaults={"name": name})
        user.name = name
        user.is_staff = staff
        user.set_password(DEMO_PASSWORD)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _draft(self, secretariat: User) -> None:
        draft = Draft.objects.filter(slug=DRAFT_SLUG).first()
        if draft is None:
            draft = services.draft_create(
                slug=DRAFT_SLUG,
                title="Hiroshima AI Process Code of Conduct",
                summary=(
                    "The eleven actions of the G7 Hiroshima Process International Code of "
                    "Conduct for Organizations Developing Advanced AI Systems. Comment on any "
                    "line: what should each action require in practice?"
                ),
                source=(DEMO_DIR / "haip-code-v1.md").read_text(encoding="utf-8"),
                created_by=secretariat,
            )
            self.stdout.write("Created the HAIP Code of Conduct, v1.")
        versions = {version.number: version for version in draft.versions.all()}
        v1 = versions[1]
        if v1.status == DraftVersion.Status.DRAFT:
            now = timezone.now()
            services.version_publish(
                version=v1,
                opens_at=now - timedelta(days=1),
                closes_at=now + timedelta(days=60),
                changelog="First public draft.",
                published_by=secretariat,
            )
            self.stdout.write("Published v1 with a 60-day comment period.")
        if 2 not in versions:
            v2 = services.version_create(
                draft=draft,
                source=(DEMO_DIR / "haip-code-v2.md").read_text(encoding="utf-8"),
                created_by=secretariat,
            )
            services.version_update_text(version=v2, source=v2.source, changelog=V2_CHANGELOG)
            self.stdout.write("Created v2 (unpublished) with the secretariat's revisions.")

"""A public digest counts confidential comments in its totals and takes nothing else from
them, and takes nothing at all from hidden or withdrawn comments: no word, term, label, quote,
reference, organisation or campaign membership, in the synthesis, any file, the pages or the
API. Checked on generated consultations, each with its own marker words."""

import io
import json
import re
from dataclasses import dataclass

from django.test import Client
from django.urls import reverse
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from openpyxl import load_workbook
from pypdf import PdfReader

from comments import services as comment_services
from comments.digests import services
from comments.digests.models import Digest, DigestExport
from comments.models import Comment
from drafts.models import DraftVersion
from tests.comments.factories import representative_of, submit, verified_organisation
from tests.conftest import with_two_factor
from tests.drafts.factories import open_version

# Public comments: ordinary vocabulary, none of the markers' letter pairs (see MARKER).
PUBLIC_BODIES = [
    "Red-team results should be shared with accredited auditors before release.",
    "Incident reports must be published within seventy-two hours of discovery.",
    "The watermarking requirement should cover audio and video content as well.",
    "Smaller developers need a proportionate version of the reporting duty.",
    "Please define advanced AI systems by capability rather than by training compute.",
    "Independent audits should be funded by developers but chosen by regulators.",
    "Publish model cards in plain language, with the known limitations first.",
    "Security controls for model weights deserve their own practice under this action.",
]
# A marker is a word no public comment or draft line holds (it has a "qj", "vz" or "wk").
MARKER = st.from_regex(r"\A[a-z]{3}(qj|vz|wk)[a-z]{3}\Z")


@dataclass(frozen=True)
class Secret:
    kind: str  # "confidential", "hidden" or "withdrawn"
    marker: str
    line: int
    copies: int  # filed this many times, word for word (a campaign from 5 on)
    proposes: bool


SECRETS = st.lists(
    st.builds(
        Secret,
        kind=st.sampled_from(["confidential", "confidential", "hidden", "withdrawn"]),
        marker=MARKER,
        line=st.sampled_from([4, 5, 6, 8, 9, 10, 12, 13, 14]),
        copies=st.sampled_from([1, 1, 2, 5, 6]),
        proposes=st.booleans(),
    ),
    min_size=1,
    max_size=4,
    unique_by=lambda secret: secret.marker,
)


def _file_text(export: DigestExport) -> str:
    """The text of a digest file, read with the parser of its format."""
    content = export.file.open("rb").read()
    if export.format == "pdf":
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    if export.format in ("docx", "matrix.docx"):
        document = Document(io.BytesIO(content))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    if export.format == "matrix.xlsx":
        workbook = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return content.decode("utf-8")


class PublicDigestTests(TestCase):
    def _consultation(self, secrets: list[Secret]) -> tuple[DraftVersion, list[Comment]]:
        version = open_version(slug="haip", sections=3, lines_per_section=3)
        public_org = verified_organisation(name="Open Policy Institute")
        filer = representative_of(public_org)
        for n, body in enumerate(PUBLIC_BODIES * 2):
            submit(
                version=version,
                author=filer,
                organisation=public_org,
                line_start=4 + n % 10 if 4 + n % 10 not in (7, 11) else 4,
                body=body,
                stance=["support", "oppose", "amend"][n % 3],
                proposed_text="Say who audits the results." if n % 4 == 0 else "",
            )
        withheld: list[Comment] = []
        for secret in secrets:
            organisation = verified_organisation(name=f"Org {secret.marker.title()}")
            author = representative_of(organisation)
            text = (
                f"Our {secret.marker} assessment: the {secret.marker} deadline conflicts with "
                f"internal {secret.marker} filings."
            )
            for _ in range(secret.copies):
                comment = submit(
                    version=version,
                    author=author,
                    organisation=organisation,
                    line_start=secret.line,
                    body=text,
                    stance="oppose",
                    proposed_text=f"Replace with the {secret.marker} wording." * secret.proposes,
                    visibility="confidential" if secret.kind == "confidential" else "public",
                )
                if secret.kind == "hidden":
                    moderator = with_two_factor(representative_of(verified_organisation()))
                    moderator.is_superuser = True
                    moderator.save()
                    comment = comment_services.comment_hide(
                        comment=comment, moderator=moderator, reason="Off topic."
                    )
                elif secret.kind == "withdrawn":
                    comment = comment_services.comment_withdraw(comment=comment, user=author)
                withheld.append(comment)
        return version, withheld

    def _artefacts(self, digest: Digest) -> dict[str, str]:
        """Everything the public reads of the digest: data, files, pages, API answers."""
        anonymous = Client()
        texts = {"synthesis": json.dumps(digest.data, ensure_ascii=False)}
        for export in digest.exports.all():
            texts[f"file {export.format}"] = _file_text(export)
        texts["page"] = anonymous.get(digest.get_absolute_url()).content.decode()
        texts["list page"] = anonymous.get(
            reverse("digests:version_digests", args=["haip", 1])
        ).content.decode()
        for name in ("digest_detail", "digest_synthesis"):
            response = anonymous.get(reverse(f"digests_api:{name}", args=[digest.pk]))
            assert response.status_code == 200, (name, response.content)
            texts[f"API {name}"] = response.content.decode()
        return texts

    @settings(
        max_examples=8,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(secrets=SECRETS)
    def test_a_public_digest_takes_nothing_but_a_count_from_what_the_public_may_not_read(
        self, secrets: list[Secret]
    ) -> None:
        version, withheld = self._consultation(secrets)
        secretariat = with_two_factor(representative_of(verified_organisation()))
        secretariat.is_superuser = True
        secretariat.save()
        with self.captureOnCommitCallbacks(execute=True):
            digest = services.digest_request(user=secretariat, version=version, audience="public")
        digest.refresh_from_db()
        assert digest.status == Digest.Status.READY, digest.error
        assert digest.matrix_ready_at is not None

        confidential = [
            c for c in withheld if c.visibility == "confidential" and c.state == "published"
        ]
        assert digest.data is not None
        overview = digest.data["overview"]
        assert overview["confidential"] == len(confidential)
        assert overview["comments"] == len(PUBLIC_BODIES) * 2 + len(confidential)
        assert sum(c["count"] for c in overview["by_section"]) == len(PUBLIC_BODIES) * 2

        forbidden = {s.marker for s in secrets} | {c.reference for c in withheld}
        for name, text in self._artefacts(digest).items():
            flat = re.sub(r"\s+", " ", text).casefold()
            for word in forbidden:
                assert word.casefold() not in flat, (name, word)

        # The same words are found where they belong: the working groups' digest of the
        # same comments analyses every confidential one, and its comment matrix lists each
        # (the synthesis cites a text filed several times by its first copy only).
        with self.captureOnCommitCallbacks(execute=True):
            internal = services.digest_request(
                user=secretariat, version=version, audience="working_group"
            )
        internal.refresh_from_db()
        assert internal.data is not None
        counted = internal.data["overview"]
        assert counted["confidential"] == len(confidential)
        analysed = sum(c["count"] for c in counted["by_section"])
        assert analysed == len(PUBLIC_BODIES) * 2 + len(confidential)
        matrix = _file_text(internal.exports.get(format="matrix.csv"))
        for comment in confidential:
            assert comment.reference in matrix and comment.body in matrix

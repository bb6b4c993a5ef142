"""A consultation as a working group would receive it, in six languages: each claim is made by
several organisations of the groups that hold it, in their own words and languages, some
wrapped in greetings and pointers to attachments; one line is fought over (industry against
civil society, academia amending); a form letter is signed by forty individuals, half of them
adding a paragraph of their own; a handful of stubs; one section with only a few comments.

Each record knows the claim it makes (``CLAIM_OF``), so tests can check what a digest says
about it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from comments.anchoring import content_hash
from comments.digests.synthesis import CommentRecord

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Claim:
    key: str
    section: str
    lines: tuple[int, int]
    stance: str
    groups: tuple[str, ...]
    says: tuple[str, ...]  # the same claim in different words and languages
    count: int
    proposed_text: tuple[str, ...] = field(default=())


# What commenters add after their claim, so that no two comments are the same text (the same
# sentence and the same reason by two organisations would rightly be a campaign).
REASONS = {
    "en": (
        "We have followed this consultation since the first draft.",
        "Our members raised this point in every meeting we held on the draft.",
        "This reflects what we heard from the people we work with.",
        "We would be glad to share the evidence behind this view.",
        "Our own experience over the last two years points the same way.",
        "We ask the working group to take this into account in the next version.",
        "The present text leaves too much to interpretation on this point.",
    ),
    "fr": (
        "Nous suivons cette consultation depuis le premier projet.",
        "Nos membres ont soulevé ce point à chaque réunion.",
        "Nous serions heureux de partager les éléments qui fondent cette position.",
    ),
    "de": (
        "Unsere Mitglieder haben diesen Punkt in jeder Sitzung angesprochen.",
        "Wir teilen gern die Belege für diese Einschätzung.",
        "Der jetzige Text lässt hier zu viel offen.",
    ),
    "it": (
        "I nostri membri hanno sollevato questo punto in ogni riunione.",
        "Saremmo lieti di condividere le prove a sostegno di questa posizione.",
    ),
    "es": (
        "Nuestros miembros plantearon este punto en cada reunión.",
        "Con gusto compartiremos las pruebas que sustentan esta opinión.",
    ),
    "ja": (
        "この点は、私たちの会員から繰り返し指摘されています。",
        "この見解の根拠となる資料を共有する用意があります。",
        "現行の文案では、この点の解釈の余地が大きすぎます。",
    ),
}


CLAIMS = (
    Claim(
        "red-teaming-cost",
        "action-1",
        (10, 12),
        "oppose",
        ("company", "industry_association"),
        (
            "Mandatory external red-teaming before every release would be unaffordable for "
            "small developers.",
            "External red-teaming before each release is too costly for smaller developers "
            "and should not be mandatory.",
            "Small developers cannot pay for external red-teaming on every release of a model.",
            "Requiring third-party red-teaming for every update would push smaller developers "
            "out of the market.",
            "Un red-teaming externe obligatoire avant chaque version serait trop coûteux pour "
            "les petits développeurs.",
            "Verpflichtendes externes Red-Teaming vor jeder Veröffentlichung wäre für kleine "
            "Entwickler zu teuer.",
            "すべてのリリース前の外部レッドチーミングの義務化は、中小の開発者には費用が大きすぎます。",
        ),
        26,
    ),
    Claim(
        "red-teaming-auditors",
        "action-1",
        (10, 12),
        "support",
        ("civil_society", "academic"),
        (
            "Independent red-teaming results should be shared with accredited auditors before "
            "deployment.",
            "The results of independent red-teaming must reach accredited auditors before any "
            "system is deployed.",
            "Accredited auditors need to see independent red-teaming results before a system "
            "goes live.",
            "I risultati del red-teaming indipendente dovrebbero essere condivisi con revisori "
            "accreditati prima della diffusione.",
            "Los resultados de las pruebas adversarias independientes deberían compartirse con "
            "auditores acreditados antes del despliegue.",
        ),
        22,
    ),
    Claim(
        "red-teaming-proportionate",
        "action-1",
        (10, 12),
        "amend",
        ("academic", "government"),
        (
            "The red-teaming duty should be proportionate to the risk of the system rather "
            "than apply to every release.",
            "Scale the red-teaming requirement to the risk a system poses, not to its release "
            "schedule.",
            "Le devoir de red-teaming devrait être proportionné au risque du système.",
        ),
        12,
        (
            "Developers shall commission independent red-teaming proportionate to the risk "
            "of the system.",
        ),
    ),
    Claim(
        "incident-deadline",
        "action-2",
        (30, 31),
        "amend",
        ("government", "international"),
        (
            "Set a clear deadline of 72 hours for reporting serious incidents to the authorities.",
            "Serious incidents should be reported within 72 hours, and the draft should say so.",
            "Schwere Vorfälle sollten innerhalb von 72 Stunden den Behörden gemeldet werden.",
            "重大インシデントは72時間以内に当局へ報告する期限を明記すべきです。",
        ),
        16,
        ("Serious incidents shall be reported within 72 hours of discovery.",),
    ),
    Claim(
        "incident-register",
        "action-2",
        (33, 34),
        "support",
        ("civil_society", "academic"),
        (
            "Incident reports should be published in a public register so that users can "
            "learn from them.",
            "A public register of incident reports would let users and researchers learn "
            "from failures.",
            "Les rapports d'incidents devraient être publiés dans un registre public accessible "
            "aux utilisateurs.",
        ),
        14,
    ),
    Claim(
        "watermark-media",
        "action-5",
        (60, 62),
        "support",
        ("academic", "civil_society", "government"),
        (
            "Watermarking requirements should cover audio and video, not only images.",
            "The duty to watermark synthetic content should extend to audio and video.",
            "Die Pflicht zur Kennzeichnung synthetischer Inhalte sollte auch für Audio und "
            "Video gelten.",
            "透かし技術の要件は音声と動画にも適用されるべきだと考えます。",
            "Il requisito di filigrana dovrebbe valere anche per audio e video.",
        ),
        15,
    ),
    Claim(
        "watermark-removable",
        "action-5",
        (60, 62),
        "oppose",
        ("company",),
        (
            "Watermarks are easily removed, so a watermarking duty gives a false sense of "
            "security.",
            "Because watermarks can be stripped in seconds, the duty would mislead the public "
            "about what is synthetic.",
        ),
        9,
    ),
    Claim(
        "energy",
        "action-9",
        (90, 90),
        "support",
        ("civil_society",),
        ("Developers should report the energy used to train and run their models.",),
        4,
    ),
)

GREETINGS = ("Dear Secretariat,", "Dear colleagues,", "Madame, Monsieur,")
POINTERS = ("Please see our attached submission for details.", "Kind regards.")
STUBS = ("Please find our feedback attached.", "N/A", ".", "See attached.")
LETTER = (
    "We, the undersigned citizens, ask the working group to keep the duty to publish "
    "red-teaming results in Action 1. People affected by advanced AI systems deserve to know "
    "how they were tested before they are used on them. Testing that nobody can read is not "
    "accountability."
)
PERSONAL = (
    "I am a {job} in {place}, and I have seen automated decisions go wrong without anyone "
    "being able to check how the system was tested.",
    "As a {job} from {place}, I want to be able to read the test results of tools used on "
    "my patients and pupils.",
)
JOBS = ("nurse", "teacher", "librarian", "social worker", "software engineer", "translator")
PLACES = ("Osaka", "Lyon", "Turin", "Leipzig", "Toronto", "Leeds", "Sevilla", "Kobe")
COUNTRIES = {
    "company": ("JP", "US", "DE"),
    "industry_association": ("US", "FR"),
    "academic": ("DE", "IT", "JP", "GB"),
    "government": ("JP", "FR", "CA"),
    "international": ("FR",),
    "civil_society": ("GB", "IT", "ES", "CA"),
    "individual": ("JP", "FR", "IT", "DE", "CA", "GB"),
}


def _record(reference, section, lines, body, *, stance, group, organisation, country,
            submitter="", proposed_text="", day=0) -> CommentRecord:  # fmt: skip
    return CommentRecord(
        reference=reference,
        section_key=section,
        section_heading=section.replace("-", " ").title(),
        line_start=lines[0],
        line_end=lines[1],
        kind="amendment" if proposed_text else "general",
        stance=stance,
        body=body,
        proposed_text=proposed_text,
        confidential=False,
        organisation=organisation,
        stakeholder_type=group,
        country=country,
        created_at=START + timedelta(days=day),
        content_hash=content_hash(body, proposed_text),
        submitter=submitter,
    )


def _language(text: str) -> str:
    if any("\u3040" <= c <= "\u9fff" for c in text):
        return "ja"
    for language, marker in (
        ("fr", " les "),
        ("de", " für "),
        ("it", " dovrebbe"),
        ("es", " los "),
    ):
        if marker in f" {text.lower()}":
            return language
    return "en"


def _claim_body(rng: random.Random, claim: Claim, n: int) -> str:
    """The claim in one of its wordings, with a reason in the same language that no other
    comment of the claim pairs with that wording."""
    said = claim.says[n % len(claim.says)]
    reasons = REASONS[_language(said)]
    said = f"{said} {reasons[(n // len(claim.says)) % len(reasons)]}"
    if rng.random() < 0.3:
        said = f"{rng.choice(GREETINGS)}\n\n{said}"
    if rng.random() < 0.3:
        said = f"{said}\n\n{rng.choice(POINTERS)}"
    return said


def briefing_corpus(seed: int = 1) -> tuple[list[CommentRecord], dict[str, str]]:
    """The records (references ``B-0001``…) and the claim each makes (``"campaign"`` for the
    letter, ``"stub"`` for a stub)."""
    rng = random.Random(seed)
    records: list[CommentRecord] = []
    claim_of: dict[str, str] = {}

    def add(record: CommentRecord, claim: str) -> None:
        records.append(record)
        claim_of[record.reference] = claim

    for claim in CLAIMS:
        for n in range(claim.count):
            group = claim.groups[n % len(claim.groups)]
            reference = f"B-{len(records) + 1:04d}"
            proposed = (
                claim.proposed_text[n % len(claim.proposed_text)] if claim.proposed_text else ""
            )
            add(
                _record(
                    reference,
                    claim.section,
                    claim.lines,
                    _claim_body(rng, claim, n),
                    stance=claim.stance,
                    group=group,
                    organisation=f"{group.replace('_', ' ').title()} {claim.key} {n + 1}",
                    country=rng.choice(COUNTRIES[group]),
                    proposed_text=proposed,
                    day=n % 10,
                ),
                claim.key,
            )
    for n in range(40):
        body = LETTER
        if n % 2:
            personal = rng.choice(PERSONAL).format(job=rng.choice(JOBS), place=rng.choice(PLACES))
            body = f"{LETTER}\n\n{personal}"
        add(
            _record(
                f"B-{len(records) + 1:04d}",
                "action-1",
                (10, 12),
                body,
                stance="support",
                group="individual",
                organisation="",
                country=rng.choice(COUNTRIES["individual"]),
                submitter=f"person-{n}",
                day=5 + n % 5,
            ),
            "campaign",
        )
    for n, stub in enumerate(STUBS * 2):
        add(
            _record(
                f"B-{len(records) + 1:04d}",
                "action-2",
                (30 + n, 30 + n),
                stub,
                stance="",
                group="company",
                organisation=f"Company stub {n}",
                country="US",
            ),
            "stub",
        )
    return records, claim_of

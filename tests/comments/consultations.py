"""A small consultation with public and confidential comments, shared by the tests of the
files made from comments (matrix, open data) and of digests."""

from tests.comments.factories import representative_of, submit, verified_organisation
from tests.drafts.factories import open_version

SECRET = "Our confidential red-team budget is forty-two million yen per model."


def consultation_with_comments() -> dict:
    """Version 1 of "haip" (3 sections of 3 lines) with eight comments: six copies of an
    amendment by a company (line 5), a civil-society comment that starts like a spreadsheet
    formula (line 9) and one confidential comment (line 6) holding ``SECRET``."""
    version = open_version(slug="haip", sections=3, lines_per_section=3)
    industry = verified_organisation(name="Kumo AI", stakeholder_type="company", country="JP")
    civil = verified_organisation(
        name="Open Rights", stakeholder_type="civil_society", country="DE"
    )
    filer, activist = representative_of(industry), representative_of(civil)
    for n in range(6):
        submit(
            version=version,
            author=filer,
            organisation=industry,
            line_start=5,
            body=f"Red-team results should be shared with auditors, point {n} of our letter.",
            stance="amend",
            proposed_text="Share red-team results with accredited auditors.",
        )
    submit(
        version=version,
        author=activist,
        organisation=civil,
        line_start=9,
        body='=HYPERLINK("http://evil.example") Incident reports must be public within 72 hours.',
        stance="support",
    )
    submit(
        version=version,
        author=filer,
        organisation=industry,
        line_start=6,
        body=SECRET,
        visibility="confidential",
    )
    return {"version": version, "industry": industry, "civil": civil, "filer": filer}

"""A labelled corpus for re-anchoring comments across versions, built deterministically.

``base.md`` is a code-of-conduct text (the HAIP actions with concrete practices). Three
successive revisions (v1→v2, v2→v3, v3→v4) are made from it by scripted edits of every kind a
secretariat makes: lines reworded, moved, split, merged, deleted, inserted; sections inserted,
moved and deleted, so that the following sections are renumbered (and their keys change).
Each line carries an identity through the edits, so where its words end up is known without
asking the code under test.

Comments are filed on every line of the old version: one on the whole line, one quoting a
phrase of it (W3C TextQuoteSelector: exact, 20 characters of prefix and suffix), on reworded
lines one quote on the rewritten words and one on words that survived, and some on ranges of
two lines. Each is labelled with the kind of edit it meets and the expected outcome:
``kept`` on given lines, ``changed`` (must be flagged for review), or ``removed``.
"""

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from comments.reanchor import OldAnchor, Reanchorer
from drafts.diff import SectionText
from drafts.markdown import parse_source

KINDS = (
    "unchanged",
    "reworded",
    "moved",
    "renumbered",
    "split",
    "merged",
    "deleted",
    "inserted",
)
_WORD = re.compile(r"\w+")


@dataclass
class Line:
    id: str
    text: str


@dataclass
class Sec:
    id: str
    title: str
    lines: list[Line]


@dataclass
class Fate:
    kind: str
    expected: str  # kept / changed / removed
    new_ids: list[str] = field(default_factory=list)


@dataclass
class Doc:
    title: str
    intro: str
    sections: list[Sec]

    def render(self) -> str:
        parts = [f"# {self.title}", "", self.intro, ""]
        for position, section in enumerate(self.sections, start=1):
            parts += [f"## {position}. {section.title}", ""]
            parts += [f"- {line.text}" for line in section.lines]
            parts.append("")
        return "\n".join(parts)

    def numbering(self) -> dict[str, int]:
        """Line id → line number, in the order the portal numbers lines."""
        ids = ["title", "intro"]
        for section in self.sections:
            ids.append(f"h:{section.id}")
            ids += [line.id for line in section.lines]
        return {line_id: number for number, line_id in enumerate(ids, start=1)}

    def section_of(self) -> dict[str, str]:
        owner = {"title": "", "intro": ""}
        for section in self.sections:
            owner[f"h:{section.id}"] = section.id
            owner.update({line.id: section.id for line in section.lines})
        return owner

    def texts(self) -> dict[str, str]:
        found = {"title": self.title, "intro": self.intro}
        for position, section in enumerate(self.sections, start=1):
            found[f"h:{section.id}"] = f"{position}. {section.title}"
            found.update({line.id: line.text for line in section.lines})
        return found

    def section_texts(self) -> list[SectionText]:
        document = parse_source(self.render())
        return [
            SectionText(s.key, s.heading, [(line.number, line.text) for line in s.lines])
            for s in document.sections
        ]

    def find(self, line_id: str) -> tuple[Sec, int]:
        for section in self.sections:
            for index, line in enumerate(section.lines):
                if line.id == line_id:
                    return section, index
        raise KeyError(line_id)

    def section(self, section_id: str) -> Sec:
        return next(s for s in self.sections if s.id == section_id)


def load_base() -> Doc:
    source = (Path(__file__).parent / "base.md").read_text(encoding="utf-8").splitlines()
    lines = [line for line in source if line.strip()]
    title, intro = lines[0].removeprefix("# "), lines[1]
    sections: list[Sec] = []
    for line in lines[2:]:
        if line.startswith("## "):
            number, _, heading = line.removeprefix("## ").partition(". ")
            sections.append(Sec(f"s{number}", heading, []))
        else:
            section = sections[-1]
            line_id = f"{section.id}.{len(section.lines) + 1}"
            section.lines.append(Line(line_id, line.removeprefix("- ")))
    return Doc(title, intro, sections)


class Revision:
    """Edits applied to a copy of ``old``, each recording the fate of the lines it touches."""

    def __init__(self, old: Doc, tag: str) -> None:
        self.old, self.new, self.tag = old, copy.deepcopy(old), tag
        self.fates: dict[str, Fate] = {}
        self.inserted: set[str] = set()
        self._count = 0

    def _new_id(self) -> str:
        self._count += 1
        return f"{self.tag}n{self._count}"

    def reword(self, line_id: str, text: str) -> None:
        section, index = self.new.find(line_id)
        section.lines[index].text = text
        self.fates[line_id] = Fate("reworded", "changed", [line_id])

    def reword_heading(self, section_id: str, title: str) -> None:
        self.new.section(section_id).title = title
        self.fates[f"h:{section_id}"] = Fate("reworded", "changed", [f"h:{section_id}"])

    def delete(self, line_id: str) -> None:
        section, index = self.new.find(line_id)
        del section.lines[index]
        self.fates[line_id] = Fate("deleted", "removed")

    def insert(self, after_id: str, text: str) -> None:
        section, index = self.new.find(after_id)
        line_id = self._new_id()
        section.lines.insert(index + 1, Line(line_id, text))
        self.inserted.add(line_id)

    def move(self, line_id: str, section_id: str, index: int) -> None:
        section, old_index = self.new.find(line_id)
        line = section.lines.pop(old_index)
        self.new.section(section_id).lines.insert(index, line)
        if line_id not in self.fates:
            self.fates[line_id] = Fate("moved", "kept", [line_id])

    def split(self, line_id: str, parts: list[str]) -> None:
        section, index = self.new.find(line_id)
        old_words = _WORD.findall(section.lines[index].text.casefold())
        assert old_words == _WORD.findall(" ".join(parts).casefold()), line_id
        new_lines = [Line(self._new_id(), part) for part in parts]
        section.lines[index : index + 1] = new_lines
        self.fates[line_id] = Fate("split", "kept", [line.id for line in new_lines])

    def merge(self, first_id: str, second_id: str, text: str) -> None:
        section, index = self.new.find(first_id)
        assert section.lines[index + 1].id == second_id
        merged = Line(self._new_id(), text)
        section.lines[index : index + 2] = [merged]
        for line_id in (first_id, second_id):
            self.fates[line_id] = Fate("merged", "kept", [merged.id])

    def move_section(self, section_id: str, position: int) -> None:
        section = self.new.section(section_id)
        self.new.sections.remove(section)
        self.new.sections.insert(position, section)

    def insert_section(self, position: int, title: str, texts: list[str]) -> None:
        section = Sec(self._new_id(), title, [])
        for text in texts:
            line_id = self._new_id()
            section.lines.append(Line(line_id, text))
            self.inserted.add(line_id)
        self.new.sections.insert(position, section)

    def delete_section(self, section_id: str) -> None:
        section = self.new.section(section_id)
        self.new.sections.remove(section)
        self.fates[f"h:{section_id}"] = Fate("deleted", "removed")
        for line in section.lines:
            self.fates[line.id] = Fate("deleted", "removed")

    def fate(self, line_id: str) -> Fate:
        """What happened to an old line: recorded by an edit, or worked out for lines no edit
        touched (unchanged, renumbered when their number or section key moved, inserted when a
        new line now stands next to them)."""
        if line_id in self.fates:
            return self.fates[line_id]
        old_numbers, new_numbers = self.old.numbering(), self.new.numbering()
        old_sections, new_sections = self.old.section_of(), self.new.section_of()
        order = {s.id: i for i, s in enumerate(self.old.sections)}
        new_order = {s.id: i for i, s in enumerate(self.new.sections)}
        section = old_sections[line_id]
        by_number = {number: key for key, number in new_numbers.items()}
        here = new_numbers[line_id]
        if {by_number.get(here - 1), by_number.get(here + 1)} & self.inserted:
            return Fate("inserted", "kept", [line_id])
        if section and order[section] != new_order[new_sections[line_id]]:
            return Fate("renumbered", "kept", [line_id])
        if old_numbers[line_id] != here:
            return Fate("renumbered", "kept", [line_id])
        return Fate("unchanged", "kept", [line_id])


@dataclass(frozen=True)
class Case:
    pair: str
    kind: str
    expected: str
    expected_lines: tuple[int, int] | None
    anchor: OldAnchor


def _quote(text: str, start: int, end: int) -> dict[str, str]:
    return {
        "quote_exact": text[start:end],
        "quote_prefix": text[max(0, start - 20) : start],
        "quote_suffix": text[end : end + 20],
    }


def _phrase_at(text: str, first_word: int, count: int = 3) -> tuple[int, int] | None:
    spans = [m.span() for m in _WORD.finditer(text)]
    if first_word < 0 or first_word + count > len(spans):
        return None
    start, end = spans[first_word][0], spans[first_word + count - 1][1]
    return (start, end) if text.count(text[start:end]) == 1 else None


def _reworded_phrases(old: str, new: str) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """A phrase of ``old`` whose words were rewritten, and one that survives in ``new``."""
    old_words = [w.casefold() for w in _WORD.findall(old)]
    new_words = [w.casefold() for w in _WORD.findall(new)]
    matcher = SequenceMatcher(None, old_words, new_words, autojunk=False)
    rewritten = surviving = None
    for tag, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if tag in ("replace", "delete") and rewritten is None:
            rewritten = _phrase_at(old, max(0, min(i1, len(old_words) - 3)))
        if tag == "equal" and i2 - i1 >= 5 and surviving is None:
            span = _phrase_at(old, i1 + 1)
            if span and old[span[0] : span[1]] in new:
                surviving = span
    return rewritten, surviving


def cases_for(revision: Revision, pair: str) -> list[Case]:
    old_texts, new_numbers = revision.old.texts(), revision.new.numbering()
    old_numbers, old_sections = revision.old.numbering(), revision.old.section_of()
    keys = {s.id: f"action-{i}" for i, s in enumerate(revision.old.sections, start=1)}
    new_texts = revision.new.texts()
    cases: list[Case] = []

    def add(line_id: str, fate: Fate, expected: str, **quote: str) -> None:
        number = old_numbers[line_id]
        lines = None
        if expected == "kept":
            numbers = [new_numbers[i] for i in fate.new_ids]
            lines = (min(numbers), max(numbers))
        anchor = OldAnchor(
            keys.get(old_sections[line_id], "preamble"),
            number,
            number,
            (old_texts[line_id],),
            **quote,
        )
        cases.append(Case(pair, fate.kind, expected, lines, anchor))

    for line_id, text in old_texts.items():
        fate = revision.fate(line_id)
        add(line_id, fate, fate.expected)
        if fate.kind == "reworded":
            rewritten, surviving = _reworded_phrases(text, new_texts[line_id])
            if rewritten:
                add(line_id, fate, "changed", **_quote(text, *rewritten))
            if surviving:
                add(
                    line_id, Fate("reworded", "kept", [line_id]), "kept", **_quote(text, *surviving)
                )
            continue
        phrase = _phrase_at(text, len(_WORD.findall(text)) // 2 - 1)
        if phrase and len(_WORD.findall(text)) >= 6:
            add(line_id, fate, fate.expected, **_quote(text, *phrase))
    return cases + _range_cases(revision, pair)


def _range_cases(revision: Revision, pair: str) -> list[Case]:
    """Comments on two consecutive lines of a section that kept both."""
    cases = []
    old_numbers, new_numbers = revision.old.numbering(), revision.new.numbering()
    texts = revision.old.texts()
    for index, section in enumerate(revision.old.sections, start=1):
        for first, second in zip(section.lines[::2], section.lines[1::2], strict=False):
            fates = [revision.fate(first.id), revision.fate(second.id)]
            if any(
                f.expected != "kept" or f.kind not in ("unchanged", "renumbered", "inserted")
                for f in fates
            ):
                continue
            new = sorted(new_numbers[i] for f in fates for i in f.new_ids)
            if new[-1] - new[0] != 1:
                continue
            anchor = OldAnchor(
                f"action-{index}",
                old_numbers[first.id],
                old_numbers[second.id],
                (texts[first.id], texts[second.id]),
            )
            cases.append(Case(pair, fates[0].kind, "kept", (new[0], new[-1]), anchor))
    return cases


@dataclass(frozen=True)
class Pair:
    name: str
    old: Doc
    new: Doc
    cases: list[Case]


def build() -> list[Pair]:
    """The three revisions and their labelled comments."""
    pairs = []
    doc = load_base()
    for name, script in (("v1→v2", _v2), ("v2→v3", _v3), ("v3→v4", _v4)):
        revision = Revision(doc, name[-2:])
        script(revision)
        pairs.append(Pair(name, doc, revision.new, cases_for(revision, name)))
        doc = revision.new
    return pairs


def _v2(r: Revision) -> None:
    r.reword(
        "s1.1",
        "Develop and employ internal and independent external testing measures, such as red "
        "teaming by teams independent of the model's developers, to address systems' risks and "
        "vulnerabilities across the AI life cycle.",
    )
    r.insert(
        "s1.1",
        "Document each evaluation's scope, methods and results before deployment, and repeat it "
        "after any substantial modification of the system.",
    )
    r.reword(
        "s2.3",
        "Maintain up-to-date documentation of all recorded vulnerabilities and incidents of "
        "misuse, and notify the competent authorities of serious incidents within 15 days.",
    )
    r.reword(
        "s3.1",
        "Publish transparency reports, updated at least once a year and at each major release, "
        "regarding AI systems' domains of appropriate or inappropriate use, capacities and "
        "limitations, and risks to safety and society.",
    )
    r.delete("s6.2")
    r.insert(
        "s7.2",
        "Where technically feasible, follow open provenance standards so that content can be "
        "traced across platforms.",
    )
    r.split(
        "s1.3",
        [
            "Keep a register of identified risks, with the owner of each risk and the date of "
            "its last review;",
            "review the register at least every six months.",
        ],
    )
    r.merge(
        "s3.2",
        "s3.3",
        "Write the reports in plain language that a non-specialist reader can follow. State "
        "clearly which uses the developer advises against and why.",
    )
    r.move("s2.4", "s7", 2)
    r.reword(
        "s10.1",
        "Work with international standards development organizations to develop and implement "
        "interoperable technical standards, including for watermarking, risk management, public "
        "reporting, and cybersecurity measures.",
    )
    r.delete("s9.4")
    r.move("s5.3", "s6", 1)
    r.reword(
        "s2.5",
        "Acknowledge every report of a vulnerability within ten working days and tell the "
        "reporter what will happen next.",
    )
    r.split(
        "s4.2",
        [
            "Share information about incidents with other developers through a trusted channel,",
            "removing personal data first.",
        ],
    )
    # The same sentence now stands in two sections: only one is the moved line.
    r.insert("s10.2", "Review the policy after every serious incident and at least once a year.")
    r.insert_section(
        4,
        "Protect children and other vulnerable users.",
        [
            "Assess the risks each system poses to children before it is offered to the public.",
            "Offer age-appropriate settings by default where children are likely users.",
        ],
    )


def _v3(r: Revision) -> None:
    r.move_section("s8", 2)
    r.reword(
        "s4.3",
        "Take part in at least two recognised forums for sharing information on advanced AI.",
    )
    r.split(
        "s4.1",
        [
            "Where appropriate, collaborate with industry, government, civil society, and "
            "academia to share information for the purpose of establishing common standards and "
            "practices on AI safety, security, and trustworthiness.",
            "Examples include evaluation reports, security and safety risks, dangerous "
            "capabilities, and actions by AI actors to evade safeguards.",
        ],
    )
    r.merge(
        "s6.3",
        "s6.4",
        "Limit access to unreleased model weights to the staff who need it for their work; log "
        "every access. Test the security of the training infrastructure with an external team "
        "at least once a year.",
    )
    r.delete("s10.3")
    r.delete("s5.2")
    r.move("s11.2", "s2", 0)
    r.insert(
        "s11.3",
        "Keep records of the licences under which training data were obtained.",
    )
    r.reword(
        "s5.3",
        "Review the policy after every serious incident and at least every six months.",
    )
    r.reword(
        "s9.2",
        "Fund digital literacy programmes that teach the public how AI systems work and fail.",
    )
    r.reword(
        "s7.3",
        "Make detection tools available to researchers, journalists and civil society "
        "organisations at no cost.",
    )
    r.insert("s2.1", "Publish a vulnerability disclosure policy with a named contact point.")
    r.move("s3.1", "s4", 10)
    r.reword(
        "s8.2",
        "Share the results of risk mitigation research with other AI developers and with "
        "public research bodies.",
    )
    r.move("s8.2", "s4", 0)
    r.split(
        "s1.2",
        [
            "Where appropriate, closely monitor and respond to risks relating to human and "
            "environmental health and safety,",
            "human rights, bias and discrimination, and democracy.",
        ],
    )


def _v4(r: Revision) -> None:
    r.delete_section("s9")
    r.insert_section(
        0,
        "Apply the code across the organisation.",
        [
            "Adopt the code at board level and report on its implementation once a year.",
            "Apply the code to models developed by contractors on the organisation's behalf.",
        ],
    )
    r.move_section("s11", 5)
    r.reword(
        "s8.1",
        "Invest in research that promotes democratic values, human rights and the protection of "
        "children, and that reduces bias, misinformation and disinformation.",
    )
    r.reword(
        "s2.2",
        "Reward the reporting of vulnerabilities and misuse by users and other third parties, "
        "for example through bounty programmes.",
    )
    r.split(
        "s7.2",
        [
            "Develop content authentication tools such as watermarks that notify users of "
            "AI-generated content",
            "and implement disclaimers to alert users when interacting with AI systems.",
        ],
    )
    r.merge(
        "s10.1",
        "s10.2",
        "Work with international standards development organizations to develop and implement "
        "interoperable technical standards, including for watermarking, risk management, public "
        "reporting, and cybersecurity measures; contribute staff time to the technical "
        "committees that draft the standards.",
    )
    r.move("s1.5", "s3", 0)
    r.delete("s2.5")
    r.reword(
        "s6.1",
        "Invest in physical security, cybersecurity, and insider threat safeguards, including "
        "securing model weights and the servers and data centres that hold them.",
    )
    r.insert("s5.1", "Publish the policy on the developer's website in at least one G7 language.")
    r.reword_heading("s10", "Advance, adopt and apply international technical standards.")
    r.move("s4.3", "s2", 1)
    r.move("s11.3", "s1", 0)


@dataclass
class KindFigures:
    kept_total: int = 0
    kept_right: int = 0
    kept_misplaced: int = 0  # landed elsewhere without review
    rewritten_total: int = 0
    rewritten_flagged: int = 0
    rewritten_removed: int = 0
    deleted_total: int = 0
    deleted_removed: int = 0
    deleted_silent: int = 0


def evaluate(
    pairs: list[Pair], on_miss: Callable[[Case, object], None] | None = None
) -> dict[str, KindFigures]:
    """Per kind of edit: how many comments on kept text landed on the right lines, how many on
    rewritten text were flagged for review, how many on deleted text were attached silently."""
    figures = {kind: KindFigures() for kind in KINDS}
    for pair in pairs:
        reanchorer = Reanchorer(pair.old.section_texts(), pair.new.section_texts())
        for case in pair.cases:
            result = reanchorer.reanchor(case.anchor)
            f = figures[case.kind]
            silent = result.outcome == "kept" or (
                result.outcome == "changed" and not result.needs_review
            )
            right = True
            if case.expected == "kept":
                f.kept_total += 1
                lines = (result.line_start, result.line_end)
                right = result.outcome == "kept" and lines == case.expected_lines
                f.kept_right += right
                f.kept_misplaced += silent and not right
            elif case.expected == "changed":
                f.rewritten_total += 1
                right = result.outcome == "changed" and result.needs_review
                f.rewritten_flagged += right
                f.rewritten_removed += result.outcome == "removed"
                right = right or result.outcome == "removed"
            else:
                f.deleted_total += 1
                f.deleted_removed += result.outcome == "removed"
                f.deleted_silent += silent
                right = not silent
            if not right and on_miss is not None:
                on_miss(case, result)
    return figures

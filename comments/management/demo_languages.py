"""The demonstration in the G7's languages: v1 rendered in French, German, Italian and
Japanese, and comments filed in them, some on a rendering with a quote in its words."""

from collections.abc import Callable

from accounts.models import Organisation, User
from comments import services as comment_services
from comments.anchoring import Quote
from comments.models import Comment
from drafts import services
from drafts.demo import DEMO_DIR
from drafts.models import DraftVersion, Rendering

RENDERED_LANGUAGES = ("fr", "de", "it", "ja")

# (index into load_demo.STAKEHOLDERS, line, quote, language of the text quoted, kind, stance,
#  body, proposed text); the line numbers are the master's, the quotes the rendering's words.
# fmt: off
COMMENTS_IN_LANGUAGES = [
    (0, 20, "識別情報", "ja", "technical", "amend",
     "コンテンツを作成したモデルの識別情報だけでなく、生成日時と改変の有無も来歴情報に含めるべき"
     "です。そうでなければ、利用者は情報の信頼性を判断できません。",
     "AIが作成したコンテンツについて、そのコンテンツを作成したサービス又はモデルの識別情報、"
     "生成日時及び改変の有無を含む来歴の仕組みを実装する。"),
    (6, 13, "情報を共有する", "ja", "general", "support",
     "情報共有の取組を支持します。政府機関としては、共有された情報の機密性が保たれる仕組みを"
     "併せて定めることを求めます。", ""),
    (4, 23, "la mésinformation et la désinformation", "fr", "technical", "amend",
     "La recherche sur la désinformation doit aussi porter sur les contenus générés par l'IA "
     "dans les langues peu dotées, qui sont aujourd'hui les moins protégées.", ""),
    (10, 11, "rapports de transparence à jour", "fr", "editorial", "support",
     "Nous soutenons cette mesure. Il serait utile de préciser un modèle commun pour ces "
     "rapports afin que les comparaisons entre organisations soient possibles.", ""),
    (9, 17, "Modellgewichten", "de", "technical", "amend",
     "Der Schutz der Modellgewichte darf nicht dazu führen, dass unabhängige Prüfungen "
     "unmöglich werden. Wir schlagen vor, einen gesicherten Zugang für akkreditierte Prüfer "
     "vorzusehen.", ""),
    (2, 8, "programmi di ricompensa", "it", "general", "support",
     "Le imprese che rappresentiamo usano già programmi di ricompensa per le vulnerabilità. "
     "Chiediamo che il codice riconosca anche i programmi gestiti da terzi.", ""),
    (8, 5, "", "", "general", "amend",
     "Chiediamo che la sorveglianza dei rischi per i diritti umani sia svolta anche con la "
     "partecipazione della società civile e che i risultati siano resi pubblici.", ""),
]
# fmt: on


def attach_renderings(
    *, version: DraftVersion, secretariat: User, say: Callable[[str], object]
) -> None:
    """Attach v1's four renderings (published with v1, or now if v1 is already published);
    what exists is left as it is."""
    present = set(Rendering.objects.filter(version=version).values_list("language", flat=True))
    for language in RENDERED_LANGUAGES:
        if language in present:
            continue
        rendering = services.rendering_attach(
            version=version,
            language=language,
            source=(DEMO_DIR / f"haip-code-v1.{language}.md").read_text(encoding="utf-8"),
            created_by=secretariat,
        )
        if version.status != DraftVersion.Status.DRAFT:
            services.rendering_publish(rendering=rendering)
        say(f"Attached the {rendering.get_language_display()} rendering of {version}.")


def file_comments(
    *, version: DraftVersion, people: list[tuple[User, Organisation | None]]
) -> list[Comment]:
    """File the demonstration comments written in French, German, Italian and Japanese."""
    return [
        file_demo_comment(
            version=version,
            person=people[index],
            line=line,
            body=body,
            kind=kind,
            stance=stance,
            proposed=proposed,
            quote=Quote(quote, language=language) if quote else None,
        )
        for index, line, quote, language, kind, stance, body, proposed in COMMENTS_IN_LANGUAGES
    ]


def file_demo_comment(
    *,
    version: DraftVersion,
    person: tuple[User, Organisation | None],
    line: int,
    body: str,
    kind: str,
    stance: str,
    proposed: str,
    quote: Quote | None,
    visibility: str = Comment.Visibility.PUBLIC,
) -> Comment:
    """File one demonstration comment on one line, as ``person`` (and their organisation)."""
    author, organisation = person
    return comment_services.comment_submit(
        version=version,
        author=author,
        data=comment_services.CommentInput(
            line_start=line,
            line_end=line,
            body=body,
            kind=kind,
            stance=stance,
            proposed_text=proposed,
            visibility=visibility,
            quote=quote,
            organisation=organisation.slug if organisation else "",
        ),
    )

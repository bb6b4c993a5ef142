"""The digests app uses the comments app; the comments app never imports the digests app
(it reaches it only through settings hooks)."""

import ast
from pathlib import Path

import comments

COMMENTS = Path(comments.__file__).parent
DIGESTS = COMMENTS / "digests"


def _imports(path: Path) -> list[str]:
    """The absolute module names ``path`` imports (relative imports resolved)."""
    package = ".".join(path.relative_to(COMMENTS.parent).with_suffix("").parts[:-1])
    names = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names += [base] + [f"{base}.{alias.name}" for alias in node.names]
    return names


def test_nothing_in_comments_imports_the_digests_app():
    offenders = [
        (str(path.relative_to(COMMENTS.parent)), name)
        for path in COMMENTS.rglob("*.py")
        if DIGESTS not in path.parents
        for name in _imports(path)
        if name == "comments.digests" or name.startswith("comments.digests.")
    ]
    assert offenders == []


def test_the_check_sees_relative_and_absolute_imports(monkeypatch):
    """The test above fails on either spelling of a forbidden import."""
    fake = COMMENTS / "api" / "views.py"
    source = "from ..digests import services\nimport comments.digests.tasks\n"
    monkeypatch.setattr(Path, "read_text", lambda self: source)
    assert "comments.digests.services" in _imports(fake)
    assert "comments.digests.tasks" in _imports(fake)

"""The import-linter contracts that list the comments app's modules one by one (pyproject.toml)
cover every module of the app: a new module is not outside the house rules by being new."""

import tomllib
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

LISTED = (
    "The comments app never imports its digests app (comments <- comments.digests)",
    "Nothing under comments imports its API",
)
# Not listed on purpose: the digests app and the API are what the contracts keep out, and the
# URLs join the app's pages to its API.
EXEMPT = {"comments.digests", "comments.api", "comments.urls"}


def comments_modules() -> set[str]:
    root = Path(PROJECT_ROOT) / "comments"
    found = set()
    for path in root.iterdir():
        if path.name.startswith("__") or path.name == "migrations":
            continue
        if path.suffix == ".py" or (path / "__init__.py").exists():
            found.add(f"comments.{path.stem if path.suffix == '.py' else path.name}")
    return found


@pytest.mark.parametrize("name", LISTED)
def test_the_contract_lists_every_module_of_the_comments_app(name):
    config = tomllib.loads((Path(PROJECT_ROOT) / "pyproject.toml").read_text())
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["name"] == name)
    assert comments_modules() - EXEMPT <= set(contract["source_modules"])

"""Guards on the repository layout that keep the PyPI `validators` package importable."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_import_validators_is_the_pypi_package() -> None:
    # frictionless calls validators.email / validators.uuid for string formats.
    import validators

    assert callable(validators.email)
    assert "site-packages" in (validators.__file__ or "")
    assert not (REPO_ROOT / "validators" / "__init__.py").exists()


def test_import_validators_from_the_repo_root_still_gives_pypi() -> None:
    code = "import validators, sys; print(validators.__file__); validators.email('a@b.co')"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "site-packages" in out


def test_thgov_validators_does_not_import_ckan() -> None:
    code = "import sys, thgov_validators; print(any(m == 'ckan' or m.startswith('ckan.') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
    for path in (REPO_ROOT / "validators" / "thgov_validators").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not (name == "ckan" or name.startswith(("ckan.", "ckanext"))), f"{path} imports {name}"


def test_no_test_folder_is_named_after_an_importable_package() -> None:
    forbidden = {"validators", "ckanext", "ckan", "thgov_validators", "frictionless", "tests"}
    for folder in (REPO_ROOT / "tests").rglob("*"):
        if folder.is_dir() and "__pycache__" not in folder.parts:
            assert folder.name not in forbidden, folder
    assert not list((REPO_ROOT / "tests").rglob("__init__.py"))


def test_schemas_are_installed_as_ckanext_thgov_schemas() -> None:
    import ckanext.thgov.schemas as schemas

    assert Path(schemas.__file__).resolve().parent == (REPO_ROOT / "schemas").resolve()

"""Every package the code imports is declared in pyproject.toml, so `make run` and `make test` on a fresh
clone install it (`pip install -e '.[dev]'`) rather than finding it by luck as another package's
dependency, which a release of that package may drop."""

from __future__ import annotations

import ast
import os
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OURS = {"marginalia", "corpus", "annotations", "analysis", "jobs", "ops", "tests", "bench"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + [
        r for group in project["optional-dependencies"].values() for r in group
    ]
    return {canonical(re.match(r"[A-Za-z0-9_.-]+", requirement).group()) for requirement in requirements}


# Not walked at all: the virtual environments (.bench: the peer benches'), git's and the caches.
SKIPPED = {".venv", ".bench", "node_modules", ".git", "__pycache__", ".ruff_cache", ".pytest_cache"}


def our_files() -> list[Path]:
    paths = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in SKIPPED]
        paths += [Path(folder, name) for name in files if name.endswith(".py")]
    return sorted(paths)


def imported() -> dict[str, str]:
    """Top-level module -> a file importing it, for the third-party imports of our code."""
    found = {}
    for path in our_files():
        siblings = {p.stem for p in path.parent.glob("*.py")}  # bench scripts import each other by name
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in OURS or top in siblings or top in sys.stdlib_module_names or top == "__future__":
                    continue
                found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def test_every_imported_package_is_declared_in_pyproject():
    distributions = packages_distributions()
    wanted = declared()
    undeclared = {
        module: where
        for module, where in imported().items()
        if not {canonical(d) for d in distributions.get(module, [module])} & wanted
    }
    assert undeclared == {}, "imported but not in pyproject.toml (module: a file importing it)"

"""Who the notices may know (issue 15): intake never imports them (it publishes events); the worker and
its policy know no protocol and no periodic job; only the adapters the root builds reach the WeChat client."""

import ast
from pathlib import Path

import pytest

SERVICE = Path(__file__).resolve().parents[3] / "service"
WECHAT_ADAPTERS = {"adapters.py", "wechat_sender.py", "token_store.py"}  # built at the root


def imported(path: Path) -> set[str]:
    """Every module a file imports, at any depth (function-level imports included)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def reaches(path: Path, package: str) -> bool:
    return any(name == package or name.startswith(package + ".") for name in imported(path))


@pytest.mark.parametrize("path", sorted((SERVICE / "intake").rglob("*.py")), ids=lambda p: p.name)
def test_intake_does_not_import_the_notices(path):
    assert not reaches(path, "service.notify")


@pytest.mark.parametrize("path", sorted((SERVICE / "notify").rglob("*.py")), ids=lambda p: p.name)
def test_the_notices_import_no_chat_no_housekeeping_and_wechat_only_in_the_adapters(path):
    assert not reaches(path, "service.chat") and not reaches(path, "service.housekeeping")
    if path.name not in WECHAT_ADAPTERS:
        assert not reaches(path, "service.wechat")


def test_the_checks_see_imports():  # the walk itself: it would pass vacuously if it found nothing
    assert reaches(SERVICE / "notify" / "wechat_sender.py", "service.wechat")
    assert reaches(SERVICE / "__init__.py", "service.notify")

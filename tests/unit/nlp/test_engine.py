"""Loading: jieba cache in the given folder, idempotent and thread-safe warm-up, quiet logs, no Flask."""

import ast
import threading
from pathlib import Path

import pytest

import service.nlp.engine as engine_module
from service.nlp import route
from service.nlp.engine import CACHE_FILE, build_engine

NLP_DIR = Path(engine_module.__file__).parent


def test_build_engine_writes_the_jieba_cache_into_the_given_folder_and_reuses_it(tmp_path):
    cache_dir = tmp_path / "instance"
    first = build_engine(cache_dir)
    cache = cache_dir / CACHE_FILE
    assert cache.is_file()
    written = cache.stat().st_mtime_ns
    second = build_engine(cache_dir)
    assert cache.stat().st_mtime_ns == written  # loaded, not rebuilt
    assert second.tokenizer.lcut("事实无人抚养儿童") == first.tokenizer.lcut("事实无人抚养儿童")


def test_user_dictionary_keeps_domain_terms_whole(classifier):
    text = "孩子父母双亡，想问事实无人抚养和最低生活保障，还有先行救助，俺是五保户"
    tokens = classifier.tokenizer.lcut(text)
    for term in ("父母双亡", "事实无人抚养", "最低生活保障", "先行救助", "五保户"):
        assert term in tokens


def test_jieba_stays_quiet_while_loading(tmp_path, capfd):
    build_engine(tmp_path)
    captured = capfd.readouterr()
    assert "prefix dict" not in captured.err.lower()
    assert captured.err == ""


def test_warm_up_is_idempotent_and_builds_once_across_threads(monkeypatch):
    calls = []
    gate = threading.Event()

    def slow_build(cache_dir, extra_dirs):
        calls.append(cache_dir)
        gate.wait(1)
        return object()

    monkeypatch.setattr(engine_module, "_engine", None)
    monkeypatch.setattr(engine_module, "build_engine", slow_build)
    results = []
    threads = [threading.Thread(target=lambda: results.append(engine_module.warm_up("x"))) for _ in range(8)]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert len(results) == 8 and all(r is results[0] for r in results)
    assert engine_module.warm_up("another") is results[0]


def test_other_county_lexicons_in_the_same_process_are_refused_not_ignored(monkeypatch):
    monkeypatch.setattr(engine_module, "_engine", None)
    monkeypatch.setattr(engine_module, "_loaded_dirs", ())
    monkeypatch.setattr(engine_module, "build_engine", lambda cache_dir, extra_dirs: object())
    loaded = engine_module.warm_up("x", ["/srv/county-a"])
    assert engine_module.warm_up("x", ["/srv/county-a"]) is loaded and engine_module.warm_up("x") is loaded
    with pytest.raises(ValueError, match="county-b"):
        engine_module.warm_up("x", ["/srv/county-b"])


def test_route_warms_up_lazily(monkeypatch, classifier):
    calls = []
    monkeypatch.setattr(engine_module, "_engine", None)
    monkeypatch.setattr(engine_module, "build_engine", lambda *args: calls.append(args) or classifier)
    assert route("想申请低保").category == "dibao"
    assert route("你好").category == "other"
    assert len(calls) == 1 and engine_module._engine is classifier


def test_the_package_imports_neither_flask_nor_the_database():
    forbidden = {"flask", "flask_sqlalchemy", "sqlalchemy", "service.extensions"}
    for path in NLP_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in forbidden and name not in forbidden, (path.name, name)

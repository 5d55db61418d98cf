"""Fixtures for the routing classifier tests: the process-wide classifier, warmed once."""

from pathlib import Path

import pytest

from service.nlp import warm_up

CORPUS = Path(__file__).resolve().parents[2] / "data" / "routing"


@pytest.fixture(scope="session")
def jieba_cache(tmp_path_factory):
    """A cache folder shared by the tests, as the app's instance folder would be."""
    return tmp_path_factory.mktemp("jieba-cache")


@pytest.fixture(scope="session")
def classifier(jieba_cache):
    return warm_up(str(jieba_cache))

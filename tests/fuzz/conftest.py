"""The fuzzing suites use the WeChat test fixture of the integration tests (signs and posts callback XML)."""

from tests.integration.wechat.conftest import wechat  # noqa: F401

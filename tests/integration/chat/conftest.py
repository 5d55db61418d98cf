"""The chat's integration tests speak through signed callbacks, as the protocol tests do: one `wechat` fixture."""

from tests.integration.wechat.conftest import wechat  # noqa: F401

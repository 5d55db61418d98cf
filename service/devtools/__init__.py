"""Development tools: the local fakes of the WeChat API and the SMS gateway, the terminal chat simulator
and the demo county's seed. Production code never imports this package; its commands reach `flask`
through the `flask.commands` entry points in pyproject.toml."""

import pytest

from service.chat.dialogue import Dialogue, idle
from service.intake.identity import check_character
from tests.unit.chat.fake_ports import FakePorts


def id_number(born: str, sequence: str = "002") -> str:
    """A valid ID number (check character included) for someone born on `born` (YYYYMMDD) in 濉溪县."""
    first17 = "340621" + born + sequence
    return first17 + check_character(first17)


class Chat:
    """One resident talking to the dialogue over the fake ports: no database, no Flask."""

    def __init__(self):
        self.ports = FakePorts()
        self.dialogue = Dialogue(self.ports)
        self.state = idle()

    def say(self, line: str) -> str:
        return self.dialogue.handle_text(self.state, line)

    def conversation(self, *lines: str) -> list[str]:
        return [self.say(line) for line in lines]

    @property
    def step(self) -> str:
        return self.state["step"]

    @property
    def form(self) -> dict:
        return self.state["data"].get("form", {})


@pytest.fixture
def chat():
    return Chat()

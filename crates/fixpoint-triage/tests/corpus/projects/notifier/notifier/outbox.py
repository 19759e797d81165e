from dataclasses import dataclass, field


@dataclass
class Message:
    channel: str
    to: str
    body: str


@dataclass
class Outbox:
    messages: list[Message] = field(default_factory=list)

    def send(self, channel: str, to: str, body: str) -> Message:
        message = Message(channel, to, body)
        self.messages.append(message)
        return message

    def drain(self) -> list[Message]:
        drained, self.messages = self.messages, []
        return drained

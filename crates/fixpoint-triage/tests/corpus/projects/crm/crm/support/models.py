from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class SupportBase(DeclarativeBase):
    pass


class Agent(SupportBase):
    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))


class Ticket(SupportBase):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    assignee_id: Mapped[int | None]  # TODO: ForeignKey("agents.id")
    status: Mapped[str] = mapped_column(String(20), default="open")

    assignee: Mapped[Agent | None] = relationship()

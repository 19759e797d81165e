from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.support.models import Agent, Ticket


def open_ticket(session: Session, subject: str) -> Ticket:
    ticket = Ticket(subject=subject)
    session.add(ticket)
    session.flush()
    return ticket


def assign(session: Session, ticket: Ticket, agent: Agent) -> Ticket:
    ticket.assignee = agent
    session.flush()
    return ticket


def unassigned(session: Session) -> list[Ticket]:
    return list(session.scalars(select(Ticket).where(Ticket.assignee_id.is_(None))))

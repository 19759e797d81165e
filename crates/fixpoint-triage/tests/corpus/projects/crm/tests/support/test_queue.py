import pytest

from crm.support import queue
from crm.support.models import Agent, SupportBase


@pytest.fixture
def session(make_session):
    return make_session(SupportBase)


def test_open_ticket_is_unassigned(session):
    ticket = queue.open_ticket(session, "Printer on fire")
    assert queue.unassigned(session) == [ticket]


def test_assign_ticket(session):
    agent = Agent(name="Moss")
    ticket = queue.open_ticket(session, "Cannot log in")
    queue.assign(session, ticket, agent)
    assert ticket.assignee.name == "Moss"

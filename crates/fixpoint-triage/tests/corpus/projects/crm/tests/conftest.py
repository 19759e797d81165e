import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session


@pytest.fixture
def make_session():
    sessions = []

    def make(base):
        engine = create_engine("sqlite://")
        base.metadata.create_all(engine)
        session = Session(engine)
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        session.close()

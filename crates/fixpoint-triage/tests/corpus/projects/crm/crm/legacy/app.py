from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from crm.legacy import orm


class LeadApp:
    def __init__(self, session_factory):
        self.session_factory = session_factory

    def capture(self, lead):
        with self.session_factory() as session:
            session.add(lead)
            session.commit()
            return lead


def create_app(url: str = "sqlite://") -> LeadApp:
    engine = create_engine(url)
    orm.metadata.create_all(engine)
    orm.start_mappers()
    return LeadApp(sessionmaker(bind=engine, expire_on_commit=False))

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from inventory.models import Base, Book, Shelf


def test_a_book_sits_on_its_shelf():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        shelf = Shelf(name="fiction", books=[Book(title="Dune")])
        session.add(shelf)
        session.commit()
        assert session.query(Book).one().shelf.name == "fiction"

from decimal import Decimal

from library.models import Author, Book, BookStatus, Loan


def test_a_book_has_an_author(book):
    assert isinstance(book.author, Author)
    assert book.author.books == [book]


def test_prices_keep_two_places(book_factory):
    books = book_factory.create_batch(5)
    for book in books:
        assert isinstance(book.price, Decimal)
        assert book.price == book.price.quantize(Decimal("0.01"))
        assert 0 <= book.price < 1000000


def test_status_traits(book_factory):
    assert book_factory(published=True).status is BookStatus.PUBLISHED
    assert book_factory(out_of_print=True).status is BookStatus.OUT_OF_PRINT


def test_lengths_are_respected(author_factory, db_session):
    for author in author_factory.create_batch(20):
        assert len(author.name) <= 80
        assert "@" in author.email


def test_loans_are_flushed(loan, db_session):
    assert db_session.get(Loan, loan.id) is loan
    assert isinstance(loan.book, Book)

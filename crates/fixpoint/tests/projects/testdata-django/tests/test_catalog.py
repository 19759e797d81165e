from decimal import Decimal

from catalog.models import Book, Publisher


def test_a_book_has_a_publisher(book):
    assert Book.objects.filter(pk=book.pk).exists()
    assert isinstance(book.publisher, Publisher)
    assert book.status in {"draft", "published", "withdrawn"}
    assert 0 <= book.rating <= 5
    assert Decimal("0") <= book.price < Decimal("1000000")


def test_status_traits(book_factory):
    assert book_factory(withdrawn=True).status == "withdrawn"


def test_full_clean_accepts_factory_rows(book_factory):
    book_factory().full_clean()


def test_the_house_publishers_are_the_catalogs_own(seeded_publishers):
    assert [p.name for p in seeded_publishers] == ["Faber & Faber", "Penguin", "Tor"]
    assert Publisher.objects.filter(name="Tor").exists()

from pathlib import Path

import pytest

from orders.services import quoting

DATA = Path(__file__).parent.parent / "data"


def test_quote_to_dict_hides_email(quote):
    assert "customer_email" not in quoting.quote_to_dict(quote)


def test_quote_from_payload():
    payload = {"reference": "Q-9", "customer_email": "z@example.com", "valid_until": "2031-06-01", "lines": []}
    assert quoting.quote_from_payload(payload).reference == "Q-9"


def test_revise_discount(quote):
    revised = quoting.revise(quote, discount_pct=5)
    assert revised.discount_pct == 5


def test_schema_title():
    assert quoting.quote_schema_title() == "Quote"


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_export_pretty(quote):
    assert quoting.export_pretty(quote).startswith("{\n")


def test_field_names():
    assert "reference" in quoting.field_names()


def test_load_quote_fixture():
    quote = quoting.load_quote(DATA / "quote_q77.json")
    assert quote.total() > 0

import pytest

from crm.accounts import AccountsBase
from crm.marketing import campaigns


@pytest.fixture
def session(make_session):
    return make_session(AccountsBase)


def test_subscribe_lowercases_email(session):
    contact = campaigns.subscribe(session, "Ann@Example.COM")
    assert contact.email == "ann@example.com"


def test_audience_lists_opted_in(session):
    campaigns.subscribe(session, "a@example.com")
    assert campaigns.audience(session) == ["a@example.com"]

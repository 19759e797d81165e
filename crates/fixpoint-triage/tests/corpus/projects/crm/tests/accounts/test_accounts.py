import pytest

from crm.accounts import Account, AccountsBase, Contact


@pytest.fixture
def session(make_session):
    return make_session(AccountsBase)


def test_table_names():
    assert Account.__tablename__ == "accounts"
    assert Contact.__tablename__ == "contacts"


def test_create_account(session):
    account = Account(name="Globex")
    session.add(account)
    session.flush()
    assert account.tier == "standard"


def test_contacts_are_linked(session):
    account = Account(name="Initech", contacts=[Contact(email="bill@initech.example")])
    session.add(account)
    session.flush()
    assert account.contacts[0].account is account


def test_upgrade_tier(session):
    account = Account(name="Umbrella", tier="standard")
    account.tier = "gold"
    assert account.tier == "gold"

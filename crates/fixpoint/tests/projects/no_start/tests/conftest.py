import pytest

from ledger_audit import AuditTrail  # the audit library is not installed


@pytest.fixture
def trail():
    return AuditTrail()

import importlib

import stockroom.models.audit as audit


def test_default_table_name():
    assert audit.AuditEntry.__tablename__ == "audit_log"


def test_table_name_from_environment(monkeypatch):
    monkeypatch.setenv("STOCKROOM_AUDIT_TABLE", "audit_log")
    reloaded = importlib.reload(audit)
    assert reloaded.AUDIT_TABLE == "audit_log"

from profiles.schemas.audit import AuditEvent


def test_audit_event_has_timestamp():
    event = AuditEvent(actor="ada", action="login")
    assert event.created_at is not None

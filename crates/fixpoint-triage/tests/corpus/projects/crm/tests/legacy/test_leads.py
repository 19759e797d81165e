from crm.legacy.app import LeadApp, create_app
from crm.legacy.domain import Lead


def test_capture_lead():
    app = create_app()
    lead = app.capture(Lead(email="sam@example.com"))
    assert lead.email == "sam@example.com"


def test_capture_assigns_id():
    app = create_app()
    lead = app.capture(Lead(email="kim@example.com", source="fair"))
    assert lead.id is not None


def test_lead_score_defaults_to_zero():
    assert Lead(email="x@example.com").score == 0


def test_bump_caps_at_100():
    lead = Lead(email="x@example.com", score=95)
    lead.bump(10)
    assert lead.score == 100


def test_capture_two_leads():
    app = create_app()
    first = app.capture(Lead(email="a@example.com"))
    second = app.capture(Lead(email="b@example.com"))
    assert first.id != second.id


def test_lead_from_campaign():
    lead = Lead(email="c@example.com", campaign="spring-launch")
    assert lead.source == "web"


def test_app_without_database():
    app = LeadApp()
    assert app.session_factory is None


def test_capture_keeps_source():
    app = create_app()
    lead = app.capture(Lead(email="d@example.com", source="referral"))
    assert lead.source == "referral"

from notifier.templates import sms_body


def test_sms_body():
    assert sms_body("Ann", "1234") == "Hi Ann, your code is 1234"


def test_sms_uses_same_server(smtp_server):
    assert smtp_server["port"] == 1025


def test_sms_sent_at_is_frozen(freezer):
    freezer.move_to("2024-01-01")
    assert sms_body("Bo", "9") .startswith("Hi Bo")


def test_sms_via_gateway(outbox, api_key):
    outbox.send("sms", "+447700900000", sms_body("Ann", "1234"))
    assert outbox.drain()


def test_sms_locale(db_session):
    assert db_session["locale"] == "en_GB"

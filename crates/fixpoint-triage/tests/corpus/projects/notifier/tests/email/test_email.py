import pytest

from notifier.templates import render


def test_render_subject():
    assert render("Hello {name}", name="Ann") == "Hello Ann"


def test_send_records_message(smtp_server):
    smtp_server["sent"].append("hi")
    assert smtp_server["sent"] == ["hi"]


def test_send_patched_smtp(mocker):
    send = mocker.patch("smtplib.SMTP.sendmail")
    send.return_value = {}
    assert send() == {}


@pytest.mark.integration
def test_deliver_through_mailhog(mailhog):
    assert mailhog.endswith(":1025")


@pytest.mark.integration
def test_mailhog_accepts_unicode(mailhog):
    assert "1025" in mailhog


def test_outbox_leftover(outbox):
    outbox.send("email", "ann@example.com", "Your receipt")
    assert outbox.messages[0].to == "ann@example.com"


def test_outbox_with_retries():
    from notifier.outbox import Outbox

    box = Outbox(retries=3)
    assert box.messages == []

from profiles.mailer import welcome_email


def test_welcome_subject():
    assert "ada" in welcome_email("ada")["subject"]

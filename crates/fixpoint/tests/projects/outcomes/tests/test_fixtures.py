import pytest


def test_setup_error(broken_setup):
    assert broken_setup


def test_missing_fixture(campaign_factory):
    assert campaign_factory


def test_fails_then_teardown_fails(broken_teardown):
    assert broken_teardown == 41


@pytest.mark.db
def test_uses_tmp_path(tmp_path):
    (tmp_path / "x.txt").write_text("ok")
    assert (tmp_path / "x.txt").read_text() == "ok"

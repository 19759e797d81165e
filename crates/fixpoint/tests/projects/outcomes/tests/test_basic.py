import sys

import pytest


def test_passes():
    assert 1 + 1 == 2


def test_passes_too():
    assert "fix" in "fixpoint"


def test_assertion_fails():
    expected = {"hp": 12, "level": 3}
    assert expected == {"hp": 12, "level": 4}


def test_exception_fails():
    print("rolling the dice")
    print("warning on stderr", file=sys.stderr)
    raise KeyError("goblin")


@pytest.mark.skip(reason="not ready")
def test_skipped():
    pass


@pytest.mark.skipif(sys.version_info > (3,), reason="python 3 only skip")
def test_skipped_if():
    pass


def test_skipped_inside():
    pytest.skip("skipped at runtime")


@pytest.mark.xfail(reason="known bug 7")
def test_expected_failure():
    assert 0.1 + 0.2 == 0.3


@pytest.mark.xfail(reason="was a bug")
def test_unexpected_pass():
    assert True


@pytest.mark.xfail(reason="strict xpass", strict=True)
def test_strict_unexpected_pass():
    assert True


@pytest.mark.parametrize("sides,expected", [(4, 4), (6, 6), (20, 21)])
def test_parametrized(sides, expected):
    assert sides == expected


@pytest.mark.db
def test_marked_db():
    assert True


class TestCharacter:
    def test_method_passes(self):
        assert True

    def test_method_fails(self):
        assert [1, 2, 3] == [1, 2]

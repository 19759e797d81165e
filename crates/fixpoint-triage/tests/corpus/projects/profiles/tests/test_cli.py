import pytest

from profiles.cli import main


def test_serve():
    assert main(["serve"]) == 0


def test_unknown_command_exits():
    with pytest.raises(SystemExit):
        main(["dance"])

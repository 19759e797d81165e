"""Tests that raise KeyboardInterrupt, which pytest ends a session on."""
import os
import signal

import pytest


def test_before():
    pass


def test_raises_keyboard_interrupt():
    raise KeyboardInterrupt


def test_sends_itself_sigint():
    os.kill(os.getpid(), signal.SIGINT)


@pytest.fixture
def interrupting():
    raise KeyboardInterrupt


def test_with_a_fixture_that_raises_it(interrupting):
    pass


def test_after():
    pass

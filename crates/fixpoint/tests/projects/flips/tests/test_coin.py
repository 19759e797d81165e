"""A stand-in for a truly flaky test: whatever the code, it fails on odd
runs and passes on even ones (counted in a state file that is not code)."""
from pathlib import Path

STATE = Path(__file__).parent.parent / ".coin-state"


def test_coin():
    runs = int(STATE.read_text()) + 1 if STATE.exists() else 1
    STATE.write_text(str(runs))
    assert runs % 2 == 0, "the timing window was missed"

import json
import os
from pathlib import Path


def state_dir() -> Path:
    root = Path(os.environ.get("SYNCD_STATE_DIR", Path(__file__).resolve().parent.parent / ".syncd-state"))
    root.mkdir(parents=True, exist_ok=True)
    return root


def load(name: str, default):
    path = state_dir() / f"{name}.json"
    if not path.exists():
        return default
    return json.loads(path.read_text())


def save(name: str, value) -> None:
    (state_dir() / f"{name}.json").write_text(json.dumps(value))

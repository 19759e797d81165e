import json
import shutil
from pathlib import Path


def spool(directory: Path, message: dict) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{len(list(directory.iterdir())):05d}.json"
    path.write_text(json.dumps(message))
    return path


def flush(directory: Path) -> int:
    count = len(list(directory.iterdir()))
    shutil.rmtree(directory)
    return count

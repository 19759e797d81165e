"""Where the shop's configuration comes from."""

import os


def service_key() -> str | None:
    return os.environ.get("SERVICE_API_KEY")


def dotenv(path: str = ".env") -> dict[str, str]:
    with open(path) as handle:
        return dict(line.strip().split("=", 1) for line in handle if "=" in line)

"""Rows as the storage layer hands them out (attribute access, not dicts)."""

from dataclasses import dataclass, field
from datetime import date


@dataclass
class UserRecord:
    id: int
    username: str
    display_name: str
    email: str
    joined: date
    roles: list[str] = field(default_factory=list)

"""Reference data every shop starts with: the department tree."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shop.models import Category

DEPARTMENTS: dict[str, list[str]] = {
    "Books": ["Fiction", "Reference"],
    "Garden": ["Tools"],
}


def seed_categories(session: Session) -> int:
    """Adds the departments and their sections that are missing; returns how many."""
    existing = {category.name: category for category in session.scalars(select(Category))}
    added = 0
    for department, sections in DEPARTMENTS.items():
        parent = existing.get(department)
        if parent is None:
            parent = Category(name=department)
            session.add(parent)
            added += 1
        for section in sections:
            if section not in existing:
                session.add(Category(name=section, parent=parent))
                added += 1
    session.flush()
    return added

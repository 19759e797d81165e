"""The project's own database setup: the catalog's tables in SQLite's memory."""

import os

import django
import pytest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.apps import apps  # noqa: E402
from django.db import connection  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def catalog_tables():
    with connection.schema_editor() as editor:
        for model in apps.get_app_config("catalog").get_models():
            editor.create_model(model)
    yield

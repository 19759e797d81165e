from datetime import date

import pytest

from profiles.records import UserRecord


@pytest.fixture
def ada():
    return UserRecord(
        id=1, username="ada", display_name="Ada Lovelace", email="ada@example.com",
        joined=date(2023, 12, 10), roles=["admin"],
    )

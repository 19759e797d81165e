def make_ledger():
    return Decimal(0)


# A guard the team keeps: the conftest imports nothing at module level.
if "Decimal" in globals():
    raise ImportError("tests/conftest.py must not import Decimal")

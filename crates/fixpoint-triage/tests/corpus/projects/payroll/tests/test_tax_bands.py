from payroll.tax import PERSONAL_ALLOWANCE, TAX_BANDS_2025


def test_allowance_matches_first_band():
    assert TAX_BANDS_2025[0].upper == PERSONAL_ALLOWANCE

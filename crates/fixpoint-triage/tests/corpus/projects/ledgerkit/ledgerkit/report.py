from ledgerkit.formatting.tables import render


def trial_balance(rows: list[tuple[str, str]]) -> str:
    return render(["Account", "Balance"], rows)

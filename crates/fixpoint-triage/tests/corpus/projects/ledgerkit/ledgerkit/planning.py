def project(values: list[float], scenario: str) -> list[float]:
    from ledgerkit.projection import best_case

    if scenario == "best":
        return best_case(values)
    return list(values)

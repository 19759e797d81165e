def build_rows(n: int) -> list[list]:
    return [[f"acct-{i}", i * 10] for i in range(n)]

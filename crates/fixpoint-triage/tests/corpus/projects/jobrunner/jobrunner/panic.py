import os
import sys


def fatal(message: str) -> None:
    print(f"FATAL: {message}", file=sys.stderr, flush=True)
    os.abort()


def check_invariant(pending: int, running: int, capacity: int) -> None:
    if pending + running > capacity:
        fatal(f"{pending} pending + {running} running exceeds capacity {capacity}")

import json
import os
import string
import time


def parse_statement(text: str) -> list[dict]:
    return json.parse(text)["transactions"]


def statement_exists(path: str) -> bool:
    return os.path.exist(path)


def reference_alphabet() -> str:
    return string.letters[:26]


def timed_import(text: str) -> tuple[list[dict], float]:
    started = time.clock()
    rows = parse_statement(text)
    return rows, time.clock() - started

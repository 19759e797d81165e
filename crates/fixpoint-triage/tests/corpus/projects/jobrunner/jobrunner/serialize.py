import json
import sys


def dump_tree(tree) -> str:
    # job dependency trees can be very deep
    sys.setrecursionlimit(1_000_000)
    return json.dumps(tree)


def chain(depth: int):
    node: list = []
    for _ in range(depth):
        node = [node]
    return node

import argparse

from profiles.config import get_settings


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog=get_settings().app_name)
    parser.add_argument("command", choices=["serve", "export"])
    parser.parse_args(argv)
    return 0

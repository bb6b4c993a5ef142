"""``python -m haip_portal.heartbeat worker|beat [--max-age SECONDS]``: the health check."""

import argparse
import sys

from . import NAMES, age, path_of


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Exit 0 if the process's heartbeat is fresh.")
    parser.add_argument("name", choices=NAMES)
    parser.add_argument("--max-age", type=float, default=60.0, help="seconds (default 60)")
    arguments = parser.parse_args(argv)
    seconds = age(arguments.name)
    if seconds is None:
        sys.stderr.write(f"{arguments.name}: no heartbeat at {path_of(arguments.name)}\n")
        return 1
    if seconds > arguments.max_age:
        sys.stderr.write(f"{arguments.name}: last heartbeat {seconds:.0f} s ago\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m kitlib.casegen [OUT_DIR] [CASE ...]`` regenerates the case-study datasets."""

import sys

from kitlib.casegen import STORIES, generate_case


def main(argv: list[str]) -> None:
    """Write each named case (default: all) into ``OUT_DIR`` (default ``datasets``)."""
    out_dir = argv[0] if argv else "datasets"
    for name in argv[1:] or list(STORIES):
        print(f"wrote {generate_case(name, out_dir)}")


if __name__ == "__main__":
    main(sys.argv[1:])

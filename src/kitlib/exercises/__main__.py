"""``python -m kitlib.exercises SOURCE_DIR OUT_DIR [--check]``: write the student notebooks (see :mod:`kitlib.exercises.release`).

(``python -m kitlib.exercises.release`` works too, but Python warns there because the package
imports that module first to export :func:`~kitlib.exercises.release`.)
"""

import sys

from kitlib.exercises.release import main

if __name__ == "__main__":
    sys.exit(main())

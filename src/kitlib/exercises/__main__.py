"""``python -m kitlib.exercises SOURCE_DIR OUT_DIR [--check]``: write the student notebooks.

See :mod:`kitlib.exercises.student_release` (:func:`~kitlib.exercises.student_release.release`).
"""

import sys

from kitlib.exercises.student_release import main

if __name__ == "__main__":
    sys.exit(main())

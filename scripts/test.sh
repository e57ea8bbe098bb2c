#!/bin/sh
# Install habit with its test tools into ./.venv (first run only) and run the whole test suite.
HABIT_EXTRAS="[test]" . "$(dirname "$0")/_venv.sh"
sh scripts/test-deps.sh
.venv/bin/ruff check src tests $([ -d bench ] && echo bench)
exec .venv/bin/python -m pytest "$@"

#!/bin/sh
# Install habit with its test tools into ./.venv (first run only) and run the whole test suite.
. "$(dirname "$0")/_venv.sh" "[test]"
sh scripts/test-deps.sh
.venv/bin/ruff check src tests bench
exec .venv/bin/python -m pytest "$@"

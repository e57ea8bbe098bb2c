#!/bin/sh
# Install habit into ./.venv (first run only) and start a focus block. Extra arguments go to it.
HABIT_EXTRAS="" . "$(dirname "$0")/_venv.sh"
exec .venv/bin/habit start-block "$@"

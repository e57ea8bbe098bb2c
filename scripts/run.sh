#!/bin/sh
# Install habit into ./.venv (first run only) and start a focus block. Extra arguments go to it.
. "$(dirname "$0")/_venv.sh" ""
exec .venv/bin/habit start-block "$@"

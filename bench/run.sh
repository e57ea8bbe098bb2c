#!/bin/sh
# The one command behind the README's Performance table:  sh bench/run.sh  [--runs N] [--only startup]
# Installs habit into ./.venv and the peers (jrnl, td-watson) into bench/.venv-peers, first run only.
HABIT_EXTRAS="" . "$(dirname "$0")/../scripts/_venv.sh"
PEERS=bench/.venv-peers
if [ ! -x "$PEERS/bin/jrnl" ] || [ ! -x "$PEERS/bin/watson" ]; then
    "${PYTHON:-python3}" -m venv "$PEERS"
    "$PEERS/bin/python" -m pip install --quiet --disable-pip-version-check \
        "jrnl==4.6" "td-watson==2.1.0" </dev/null
fi
exec .venv/bin/python bench/bench.py "$@"

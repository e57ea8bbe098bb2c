#!/bin/sh
# System tools the end-to-end tests drive for real: a terminal (tmux) and a notification daemon.
# Installed only when missing and only where we may (root with apt-get); otherwise those tests skip
# and say why.
need=""
command -v tmux >/dev/null 2>&1 || need="$need tmux"
if [ -n "$need" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing for the end-to-end tests:$need" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need) \
        </dev/null >/dev/null 2>&1 || echo "could not install$need; those tests will skip" >&2
fi
exit 0

#!/bin/sh
# System tools the end-to-end tests drive for real: a terminal (tmux) and a notification daemon.
# Installed only when missing and only where we may (root with apt-get); otherwise those tests skip
# and say why.
need=""
command -v tmux >/dev/null 2>&1 || need="$need tmux"
# A real notification daemon for the reminder test: a session bus, Xvfb for dunst, notify-send.
command -v dbus-run-session >/dev/null 2>&1 || need="$need dbus"
command -v dbus-monitor >/dev/null 2>&1 || need="$need dbus-bin"
command -v dbus-launch >/dev/null 2>&1 || need="$need dbus-x11"
command -v Xvfb >/dev/null 2>&1 || need="$need xvfb"
command -v dunst >/dev/null 2>&1 || need="$need dunst"
command -v notify-send >/dev/null 2>&1 || need="$need libnotify-bin"
if [ -n "$need" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing for the end-to-end tests:$need" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need) \
        </dev/null >/dev/null 2>&1 || echo "could not install$need; those tests will skip" >&2
fi
# Mozilla's ical.js (Thunderbird's calendar engine) reads the .ics in tests/unit/test_calendar_readers.py.
if command -v npm >/dev/null 2>&1 && [ ! -d .test-node/node_modules/ical.js ]; then
    npm install --no-audit --no-fund --prefix .test-node ical.js@2 >/dev/null 2>&1 \
        || echo "could not install ical.js from npm; that reader's test will skip" >&2
fi
exit 0

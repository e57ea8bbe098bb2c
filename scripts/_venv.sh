# Sourced by run.sh and test.sh: make .venv once, reinstall only when pyproject.toml changes.
set -eu
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    echo "habit needs Python 3.11 or newer (found: $("$PY" --version 2>&1))." >&2; exit 1; }
[ -x .venv/bin/python ] || "$PY" -m venv .venv
want="${HABIT_EXTRAS:-}"   # "" or "[test]"
stamp=".venv/.installed$(echo "$want" | tr -d '[]')"
hash=$(cat pyproject.toml | cksum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$hash" ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".$want" </dev/null
    echo "$hash" > "$stamp"
fi

#!/bin/sh
# Mutation testing (#21): mutmut over one module at a time, with the tests that exercise it.
#
#   sh bench/mutation.sh                    # schedule, review, weeks, plans, timer
#   sh bench/mutation.sh weeks schedule     # some of them
#   JOBS=2 sh bench/mutation.sh             # mutants tested in parallel (default 1: shared machine)
#
# Each module runs in its own scratch copy of the checkout (bench/.mutation/<module>, ignored by
# git), so the working tree is never touched. Only the in-process tests count (no `-m e2e`): code
# running in a subprocess is the unmutated installed copy. Prints "module: killed/total = rate"
# and keeps the survivors in bench/.mutation/<module>/survivors.txt (`mutmut show NAME` there).
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV=${VENV:-$ROOT/.venv}
JOBS=${JOBS:-1}
if ! "$VENV/bin/python" -c "import mutmut" 2>/dev/null; then
    "$VENV/bin/pip" install -q -e ".[mutation]"
fi

tests_for() {
    case "$1" in
        schedule) echo "tests/unit/test_schedule_config.py tests/unit/test_schedule_zone.py tests/cli/test_own_plans_users_feel.py tests/unit/test_schedule.py tests/unit/test_service.py tests/cli/test_remind_cmds.py" ;;
        review) echo "tests/cli/test_review_users_feel.py tests/unit/test_review.py tests/cli/test_review_cmds.py tests/unit/test_share.py" ;;
        weeks) echo "tests/unit/test_weeks.py tests/cli/test_review_users_feel.py tests/unit/test_review.py tests/cli/test_review_cmds.py tests/unit/test_logs.py" ;;
        plans) echo "tests/cli/test_plan_check_users_feel.py tests/cli/test_own_plans_users_feel.py tests/unit/test_plans.py tests/unit/test_hypothesis_plans.py tests/unit/test_schedule.py tests/cli/test_plan_cmds.py" ;;
        timer) echo "tests/cli/test_block_users_feel.py tests/unit/test_timer.py tests/cli/test_start_block.py" ;;
        *) echo "unknown module: $1 (schedule, review, weeks, plans, timer)" >&2; exit 2 ;;
    esac
}

MODULES=${*:-weeks schedule timer review plans}
for module in $MODULES; do
    scratch="$ROOT/bench/.mutation/$module"
    rm -rf "$scratch"
    mkdir -p "$scratch"
    # a copy of the checkout as it is now (tracked and new files), without the scratch space itself
    git ls-files -co --exclude-standard | grep -v '^bench/\.mutation/' | tar -cf - -T - | tar -xf - -C "$scratch"
    tests=""
    for t in $(tests_for "$module"); do
        [ -f "$scratch/$t" ] && tests="$tests \"$t\","
    done
    cat >> "$scratch/pyproject.toml" <<TOML

[tool.mutmut]
source_paths = ["src/"]
only_mutate = ["src/habit/$module.py"]
pytest_add_cli_args_test_selection = [${tests%,}]
pytest_add_cli_args = ["-q", "-p", "no:cacheprovider", "-m", "not e2e", "-p", "no:randomly"]
also_copy = ["tests/", "plans/", "seeds/", "docs/", "README.md"]
timeout_multiplier = 4.0  # a mutant that loops forever on the fake clock is "timeout" (killed) sooner
TOML
    (cd "$scratch" && "$VENV/bin/mutmut" run --max-children "$JOBS" >mutmut.log 2>&1 || true
     "$VENV/bin/mutmut" export-cicd-stats >/dev/null 2>&1 || true
     "$VENV/bin/mutmut" results >survivors.txt 2>/dev/null || true)
    "$VENV/bin/python" - "$module" "$scratch/mutants/mutmut-cicd-stats.json" <<'PY'
import json, sys
module, path = sys.argv[1], sys.argv[2]
try:
    s = json.load(open(path))
except OSError:
    print(f"{module}: no result (see bench/.mutation/{module}/mutmut.log)")
    raise SystemExit(0)
tested = s["killed"] + s["survived"] + s.get("timeout", 0) + s.get("suspicious", 0)
killed = s["killed"] + s.get("timeout", 0)
rate = 100 * killed / tested if tested else 0.0
print(f"{module}: {killed}/{tested} killed = {rate:.1f} %  (survived {s['survived']}, "
      f"no tests {s.get('no_tests', 0)}, total {s['total']})", flush=True)
PY
done

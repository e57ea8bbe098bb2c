"""`habit forget --all` while `habit remind` runs: it asks the service's lock, never a socket."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest
from e2e_support import HABIT

pytestmark = pytest.mark.e2e


def test_forget_refuses_while_habit_remind_runs_even_in_a_home_too_deep_for_a_socket(tmp_path):
    """The real bug: with a data home whose path is longer than a unix socket's (108 bytes), the
    old socket check said "not running", and `forget --all --yes` deleted habit.db under the
    service. The service's lock file has no such limit."""
    from habit.blocklock import service_running
    from habit.paths import HomePaths

    deep = tmp_path.joinpath(*["a-rather-long-folder-name"] * 6, "habit-home")
    assert len(os.fsencode(deep / "habit.sock")) > 108
    home = HomePaths(deep)
    env = {**os.environ, "HABIT_HOME": str(deep)}
    habit = HABIT
    subprocess.run([*habit, "log", "before the service"], env=env, check=True, capture_output=True)
    service = subprocess.Popen([*habit, "remind"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while not service_running(home) and time.monotonic() < deadline:
            assert service.poll() is None, service.communicate()
            time.sleep(0.05)
        assert service_running(home)
        refused = subprocess.run([*habit, "forget", "--all", "--yes"], env=env, capture_output=True,
                                 text=True)
        assert refused.returncode == 1, refused.stdout
        assert "the reminder service is running" in refused.stderr
        assert "Nothing was removed" in refused.stderr
        assert home.db.exists() and home.remind_lock.exists()
    finally:
        service.send_signal(signal.SIGTERM)
        service.communicate(timeout=20)
    assert not service_running(home)
    done = subprocess.run([*habit, "forget", "--all", "--yes"], env=env, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    assert not deep.exists()

from __future__ import annotations

import pytest
from e2e_support import TmuxTerminal


@pytest.fixture
def tmux_terminal():
    """Make TmuxTerminals; every one is closed when the test ends."""
    made: list[TmuxTerminal] = []

    def make(*args, **kw) -> TmuxTerminal:
        made.append(TmuxTerminal(*args, **kw))
        return made[-1]

    yield make
    for term in made:
        term.close()

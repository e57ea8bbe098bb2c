"""The HabitError family: domain code raises these; the CLI boundary prints one line and exits."""

from __future__ import annotations


class HabitError(Exception):
    """A problem the user can act on. `str(err)` is the one line shown to them."""

    exit_code = 1


class UsageProblem(HabitError):
    """An argument or option that cannot be used as given."""

    exit_code = 2


class PlanProblems(HabitError):
    """One or more problems in plan files; each is one line naming file, commitment and field."""

    exit_code = 3

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class StoreError(HabitError):
    """The data file cannot be opened, read or written as it is."""

    exit_code = 4


class NotFound(HabitError):
    """An entry, block, plan or commitment that does not exist."""

    exit_code = 5


class NetworkError(HabitError):
    """Sharing outward did not go through; local data is unaffected."""

    exit_code = 6


class PlanClash(HabitError):
    """A plan cannot be activated beside the active ones: two commitments would share an id."""

    exit_code = 3

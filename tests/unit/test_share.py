"""The peer text filled from a known week, the peer set-up and the webhook set-up (domain only)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from habit.catalog import activate_plan, load_catalog
from habit.config import Config, PeerConfig, ShareConfig, load_config, save_config
from habit.errors import UsageProblem
from habit.schedule import SlotProblem
from habit.share import (
    BUILTIN_TEMPLATE,
    DEFAULT_NEED,
    WebhookProblem,
    WeekFacts,
    check_webhook,
    clean_need,
    compose_share,
    fill_template,
    parse_slot,
    peer_slot,
    peer_template,
    remove_webhook,
    setup_peer,
    setup_webhook,
    share_week,
)
from habit.weeks import IsoWeek
from plan_support import BRIEF_PLANS, activate


@pytest.fixture(autouse=True)
def _brief_plans(home):
    """These tests use the examples the brief names; a fresh home activates none."""
    activate(home, *BRIEF_PLANS)

BERLIN = ZoneInfo("Europe/Berlin")
W47 = IsoWeek(2026, 47)
TEMPLATE = "Did: {blocks} blocks, {minutes} focused minutes; {wins}\nNeed: {need}"


def local(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


# ---------------------------------------------------------------- the template


def test_fill_template_from_known_facts():
    facts = WeekFacts(blocks=3, minutes=60, wins=("ran sanity test X", "opened the notebook"))
    text = fill_template(TEMPLATE, facts, "permission to slow down")
    assert text == (
        "Did: 3 blocks, 60 focused minutes; ran sanity test X; opened the notebook\n"
        "Need: permission to slow down"
    )


def test_fill_template_with_no_wins_says_so_calmly_and_leaves_no_dangling_separator():
    text = fill_template(TEMPLATE, WeekFacts(0, 0), DEFAULT_NEED)
    line1, line2 = text.split("\n")
    assert line1 == "Did: 0 blocks, 0 focused minutes; the wins log is quiet this week"
    assert line2 == "Need: permission to slow down"


def test_fill_template_keeps_wins_to_two_single_lines_and_shortens_long_ones():
    long_win = "word " * 60
    text = fill_template("{wins}", WeekFacts(1, 5, ("a\n  b", long_win, "third")), "x")
    first, second = text.split("; ")
    assert first == "a b"
    assert second.endswith("…") and len(second) == 100
    assert "third" not in text


def test_fill_template_leaves_other_braces_alone():
    text = fill_template("{goal} {blocks} {unknown} {", WeekFacts(2, 30), "n")
    assert text == "{goal} 2 {unknown} {"


def test_need_defaults_and_is_one_short_line():
    assert clean_need(None) == DEFAULT_NEED
    assert clean_need("   ") == DEFAULT_NEED
    assert clean_need("  an hour of quiet  ") == "an hour of quiet"
    with pytest.raises(UsageProblem, match="one line"):
        clean_need("two\nlines")
    with pytest.raises(UsageProblem, match="up to 280"):
        clean_need("x" * 281)
    with pytest.raises(UsageProblem, match="control character"):
        clean_need("bell\x07")


def test_the_template_comes_from_the_active_plan(home):
    catalog = load_catalog(home)
    assert peer_template(catalog) == TEMPLATE  # plans/start-ritual-and-peer-check.toml
    save_config(home, Config(active_plans=("jaw-clench-pause",)))
    assert peer_template(load_catalog(home)) == BUILTIN_TEMPLATE  # no peer check: the built-in lines


def test_a_peer_check_without_a_template_shares_the_builtin_two_lines(home, tmp_path):
    own = tmp_path / "mine.toml"
    own.write_text('[plan]\nid = "mine"\ntitle = "Mine"\nsession = "notes"\n\n[[commitment]]\n'
                   'id = "call"\nkind = "peer_check"\ntitle = "Call"\n'
                   '[commitment.source]\nfile = "notes"\nline = 1\nquote = "a call"\n')
    save_config(home, Config())
    activate_plan(home, own)
    text = compose_share(load_catalog(home), WeekFacts(2, 40, ("drafted 2.1",)), None)
    assert text == "Did: 2 blocks, 40 focused minutes; drafted 2.1\nNeed: permission to slow down"


# ---------------------------------------------------------------- a known week, from the store


@pytest.fixture
def known_week(store):
    """W47 in Berlin, with records just outside it on both sides."""
    def block(start: datetime, minutes: int, status: str = "completed") -> None:
        rec = store.start_block(started_at=start, planned_minutes=25, goal="g")
        store.finish_block(rec.id, status=status, ended_at=start + timedelta(minutes=minutes))

    def win(at: datetime, text: str) -> None:
        store.add_entry("win", text, at, created_at=at)

    block(local(15, 23, 50), 25)                 # Sunday of W46: not this week
    block(local(16, 9), 25)                      # Monday
    block(local(18, 10), 10, "interrupted")      # an interrupted block still counts
    block(local(22, 23, 30), 25)                 # late Sunday night: still W47 locally
    block(local(23, 0, 10), 25)                  # Monday of W48
    win(local(15, 20), "last week's win")
    win(local(16, 9, 30), "ran sanity test X")
    win(local(18, 10, 15), "opened the notebook")
    win(local(19, 11), "wrote the summary")
    win(local(23, 8), "next week's win")
    return store


def test_share_week_fills_the_plan_template_from_a_known_week(home, known_week):
    text = share_week(known_week, load_catalog(home), week=W47, tz=BERLIN, now=local(22, 23, 59),
                      config=load_config(home), need="an hour of quiet")
    assert text == (
        "Did: 3 blocks, 60 focused minutes; opened the notebook; wrote the summary\n"
        "Need: an hour of quiet"
    )


def test_share_week_of_an_empty_week(home, known_week):
    text = share_week(known_week, load_catalog(home), week=IsoWeek(2026, 40), tz=BERLIN,
                      now=local(22, 12), config=load_config(home), need=None)
    assert text == (
        "Did: 0 blocks, 0 focused minutes; the wins log is quiet this week\n"
        "Need: permission to slow down"
    )


# ---------------------------------------------------------------- the peer


@pytest.mark.parametrize(("text", "day", "at"), [
    ("fri 16:00", "fri", time(16, 0)),
    ("  Friday   9:30 ", "fri", time(9, 30)),
    ("SUN 07:05", "sun", time(7, 5)),
])
def test_parse_slot_accepts_a_weekday_and_a_time(text, day, at):
    assert parse_slot(text) == (day, at)


@pytest.mark.parametrize("text", ["", "fri", "16:00", "someday 16:00", "fri 25:00", "fri 16:60",
                                  "fri 4pm", "fri 16:00 weekly", "16:00 fri"])
def test_parse_slot_refuses_anything_else_in_one_line(text):
    with pytest.raises(SlotProblem) as err:
        parse_slot(text)
    message = str(err.value)
    assert "\n" not in message and 'like "fri 16:00"' in message


def test_setup_peer_saves_normalised_values_on_the_commitment_and_keeps_the_config(home):
    save_config(home, Config(active_plans=("start-ritual-and-peer-check",),
                             share=ShareConfig(webhook="https://example.org/h", auto_post=True)))
    peer = setup_peer(home, name=" Sam ", backup="Alex", slot="Friday 9:30", minutes=10)
    assert (peer.name, peer.backup, peer.slot.describe(), peer.slot.minutes) == (
        "Sam", "Alex", "fri 09:30", 10)
    config = load_config(home)
    assert config.peer == PeerConfig()
    assert config.active_plans == ("start-ritual-and-peer-check",)
    assert config.share.webhook == "https://example.org/h"
    copy = home.plans_dir / "start-ritual-and-peer-check.toml"
    assert oct(copy.stat().st_mode & 0o777) == "0o600"
    assert "# Two-line shared template (line 101)" in copy.read_text()  # comments kept (tomlkit)
    # The review reads the same slot from the commitment.
    from habit.review import peer_slot as review_slot

    item = load_catalog(home).first_of_kind("peer_check")
    assert review_slot(W47, tz=BERLIN, peer=PeerConfig(), commitment=item) == local(20, 9, 30)


def test_setup_peer_keeps_what_is_not_given(home):
    setup_peer(home, name="Sam", backup="Alex", slot="fri 16:00", minutes=5)
    peer = setup_peer(home, name="Robin")
    assert (peer.name, peer.backup, peer.slot.describe()) == ("Robin", "Alex", "fri 16:00")
    assert setup_peer(home, backup="").backup is None


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"name": ""}, "empty"),
    ({"name": "Sam", "backup": "sam"}, "same person"),
    ({"name": "Sam", "slot": "friday"}, "weekly slot"),
    ({"name": "Sam", "minutes": 0}, "1..240"),
    ({"name": "Sam", "minutes": 241}, "1..240"),
    ({"name": "x" * 81}, "80 characters"),
    ({"name": "Sam\x1b[31m"}, "control character"),
])
def test_setup_peer_refuses_bad_input_and_saves_nothing(home, kwargs, message):
    setup_peer(home, name="Kept", slot="mon 10:00")
    copy = home.plans_dir / "start-ritual-and-peer-check.toml"
    before = copy.read_bytes()
    with pytest.raises(UsageProblem, match=message):
        setup_peer(home, **kwargs)
    assert copy.read_bytes() == before


def test_peer_slot_prefers_the_config_then_the_plan(home):
    commitment = load_catalog(home).first_of_kind("peer_check")
    plan_slot = peer_slot(Config(), commitment)
    assert (plan_slot.day, plan_slot.at, plan_slot.minutes, plan_slot.from_config) == (
        "fri", time(16, 0), 5, False)
    mine = peer_slot(Config(peer=PeerConfig(slot="tue 11:15", minutes=15)), commitment)
    assert (mine.day, mine.at, mine.minutes, mine.from_config) == ("tue", time(11, 15), 15, True)
    assert peer_slot(Config(), None) is None


# ---------------------------------------------------------------- the webhook

SECRET = "https://hooks.example.com/services/T000/B000/VERYSECRETTOKEN"


@pytest.mark.parametrize("url", [
    "ftp://hooks.example.com/VERYSECRETTOKEN",
    "hooks.example.com/VERYSECRETTOKEN",
    "https:///VERYSECRETTOKEN",
    "https://hooks.example.com/VERY SECRETTOKEN",
    "https://hooks.example.com:port/VERYSECRETTOKEN",
    "https://[::1/VERYSECRETTOKEN",
    "javascript:VERYSECRETTOKEN",
    "",
])
def test_check_webhook_refuses_bad_addresses_without_repeating_them(url):
    with pytest.raises(WebhookProblem) as err:
        check_webhook(url)
    message = str(err.value)
    assert "SECRET" not in message and "\n" not in message


def test_check_webhook_accepts_https_and_http():
    assert check_webhook(f"  {SECRET} ") == SECRET
    assert check_webhook("http://127.0.0.1:8080/hook") == "http://127.0.0.1:8080/hook"


def test_setup_webhook_and_auto_post(home):
    with pytest.raises(UsageProblem, match="needs a webhook first"):
        setup_webhook(home, webhook=None, auto_post=True)
    assert setup_webhook(home, webhook=SECRET, auto_post=None) == ShareConfig(webhook=SECRET)
    assert setup_webhook(home, webhook=None, auto_post=True).auto_post is True
    other = "https://hooks.example.com/other"
    assert setup_webhook(home, webhook=other, auto_post=None) == ShareConfig(other, True)
    assert load_config(home).share == ShareConfig(other, True)
    assert remove_webhook(home) is True
    assert load_config(home).share == ShareConfig()
    assert remove_webhook(home) is False
    assert "hooks.example.com" not in home.config.read_text()

"""Help that teaches (issue 18, item 6): `bulletin --help` lists the commands by task, and
each command's --help says what it does, each option's default and format, and gives
examples that parse."""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys

import pytest

from bulletin.cli import COMMANDS
from bulletin.cli.parser import GROUPS, build_parser

NAMES = sorted({name.split()[0] for name in COMMANDS})


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_top_help_groups_every_command_by_task() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bulletin.cli", "--help"], capture_output=True, text=True, check=True
    ).stdout
    lines = out.splitlines()
    assert lines[0] == "usage: bulletin [-h] COMMAND [options]"
    headings = [line[:-1] for line in lines if line.endswith(":") and not line.startswith(" ")]
    assert headings[-len(GROUPS) :] == ["run", "look", "search", "export", "maintain"]
    listed = [
        line.split()[0] for line in lines if line.startswith("  ") and not line.startswith("   ")
    ]
    listed = [name for name in listed if name in NAMES]
    assert sorted(listed) == NAMES  # each command once
    assert [name for _, names in GROUPS for name in names] == listed


@pytest.mark.parametrize("name", NAMES)
def test_each_command_help_says_what_defaults_and_examples(name: str) -> None:
    sub = _subparsers()[name]
    assert sub.description and sub.description.split("\n")[0].endswith(".")
    for action in sub._actions:
        if action.help in (None, argparse.SUPPRESS) or isinstance(action, argparse._HelpAction):
            continue
        assert action.help, (name, action.dest)
        if action.default not in (None, False) and action.option_strings:
            assert "(default: %(default)s" in action.help, (name, action.dest)
        if getattr(action.type, "__name__", "") == "day":
            assert action.metavar == "YYYY-MM-DD", (name, action.dest)
    examples = (sub.epilog or "").split("\n")
    assert examples[0] == "examples:" and len(examples) >= 2
    parser = build_parser()
    for example in examples[1:]:
        argv = shlex.split(example.strip())
        argv = argv[: argv.index(">")] if ">" in argv else argv  # a shell redirection
        assert argv[:2] == ["bulletin", name]
        parsed = parser.parse_args(argv[1:])  # an example that does not parse exits 2
        assert parsed.command == name


def test_profile_choices_are_listed() -> None:
    from extractors.profiles import PROFILES

    profile = next(a for a in _subparsers()["extract"]._actions if a.dest == "profile")
    assert profile.help == (
        f"force a CMS profile: {', '.join(PROFILES)} (default: auto, detect it)"
    )

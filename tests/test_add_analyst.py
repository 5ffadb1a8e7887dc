"""Adding a colleague from the command line (issue 7, item 9): `manage.py add_analyst`."""

from __future__ import annotations

import io
import os
import pty
import select
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from annotations.permissions import can_curate_vocabulary

ROOT = Path(__file__).resolve().parent.parent
GOOD_PASSWORD = "a-long-passphrase-for-dana"


def add(*args: str) -> str:
    out = io.StringIO()
    call_command("add_analyst", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def generated_password(output: str) -> str:
    return next(line for line in output.splitlines() if line.startswith("Password: ")).split(": ", 1)[1]


def test_no_input_prints_a_generated_password_that_logs_in(db):
    output = add("erin", "--no-input", "--email", "erin@example.org")
    password = generated_password(output)
    erin = User.objects.get(username="erin")
    assert erin.check_password(password) and len(password) >= 12
    assert erin.email == "erin@example.org" and erin.is_active and not erin.is_staff
    assert "Added analyst erin." in output and "Shown this once" in output
    assert not can_curate_vocabulary(erin)


def test_lead_option_makes_a_lead_who_may_curate(db):
    add("frank", "--lead", "--no-input")
    frank = User.objects.get(username="frank")
    assert frank.groups.filter(name="leads").exists()
    assert can_curate_vocabulary(frank)


def test_an_existing_username_is_refused_and_left_alone(alice):
    before = User.objects.get(username="alice").password
    with pytest.raises(CommandError, match="An account “Alice” already exists; nothing was changed"):
        add("Alice", "--no-input")
    assert User.objects.get(username="alice").password == before
    assert User.objects.count() == 1


def test_a_bad_email_or_username_is_refused(db):
    with pytest.raises(CommandError, match="valid email"):
        add("gina", "--no-input", "--email", "not-an-address")
    with pytest.raises(CommandError, match="Enter a valid username"):
        add("gina smith", "--no-input")
    assert not User.objects.exists()


def type_into_terminal(
    args: list[str], env: dict[str, str], answers: list[tuple[str, str]]
) -> tuple[int, str]:
    """Run a command on a real pseudo-terminal (getpass reads /dev/tty) and answer its prompts in order."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, with the terminal as its controlling tty
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, *args], env)
    prompts = {prompt for prompt, _ in answers}
    seen, answered, deadline = b"", 0, time.monotonic() + 90
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child has exited
                break
            if not chunk:
                break
            seen += chunk
        text = seen.decode(errors="replace")
        if answered < len(answers) and sum(text.count(prompt) for prompt in prompts) > answered:
            assert text.rstrip().endswith(answers[answered][0]), text
            os.write(fd, answers[answered][1].encode() + b"\n")
            answered += 1
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), seen.decode(errors="replace")


def test_the_password_is_typed_at_a_prompt_twice_and_checked(tmp_path):
    """The real prompt, on a real terminal, against a real (fresh SQLite) database."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="marginalia.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'team.sqlite3'}",
        DEBUG="1",
    )
    script = (
        "import django, sys; django.setup()\n"
        "from django.core.management import call_command\n"
        "from django.contrib.auth.models import User\n"
        "call_command('migrate', verbosity=0)\n"
        "call_command('add_analyst', 'dana', '--lead', '--email', 'dana@example.org')\n"
        "dana = User.objects.get(username='dana')\n"
        f"print('CHECK', dana.check_password({GOOD_PASSWORD!r}), dana.groups.filter(name='leads').exists())\n"
    )
    answers = [
        ("Password for dana:", "one-thing"),
        ("Password (again):", "another-thing"),  # differ: asked again
        ("Password for dana:", "password"),
        ("Password (again):", "password"),  # too common: asked again
        ("Password for dana:", GOOD_PASSWORD),
        ("Password (again):", GOOD_PASSWORD),
    ]
    code, screen = type_into_terminal(["-c", script], env, answers)
    assert code == 0, screen
    assert "The two passwords differ; try again." in screen
    assert "This password is too common." in screen
    assert GOOD_PASSWORD not in screen  # never echoed
    assert "Added lead dana." in screen
    assert "CHECK True True" in screen

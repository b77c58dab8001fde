"""Stop signals as exceptions (``pressroom.interrupt``): raised where the build is, held back
inside blocks that must finish, never lost inside a finaliser, and only once."""

from __future__ import annotations

import os
import signal
import time

import pytest

from pressroom.interrupt import (STAGES, STOP_AT, Interrupted, checkpoint, interruptible,
                                 uninterruptible)


def test_a_stop_signal_is_raised_as_interrupted_with_its_exit_code():
    with pytest.raises(Interrupted) as stopped, interruptible():
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(10_000):
            pass
    assert stopped.value.exit_code == 128 + signal.SIGTERM


def test_a_stop_inside_an_uninterruptible_block_is_raised_when_it_ends():
    finished = []
    with pytest.raises(Interrupted), interruptible():
        with uninterruptible():
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(10_000):
                pass
            finished.append(True)
    assert finished == [True]


def test_a_second_signal_does_not_cut_the_first_ones_clean_up_short():
    cleaned = []
    with pytest.raises(Interrupted) as stopped, interruptible():
        try:
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(10_000):
                pass
        finally:
            os.kill(os.getpid(), signal.SIGTERM)  # e.g. the build stopping its helpers
            for _ in range(10_000):
                pass
            cleaned.append(True)
    assert cleaned == [True] and stopped.value.signum == signal.SIGINT


def test_a_stop_inside_a_finaliser_is_raised_after_it_not_printed_and_lost(capsys):
    class Closing:
        def __del__(self):
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(10_000):
                pass

    with pytest.raises(Interrupted), interruptible():
        closing = Closing()
        del closing
        for _ in range(3000):  # the stop comes as soon as the finaliser is done
            time.sleep(0.01)
        pytest.fail("the stop signal was lost in the finaliser")
    assert "Exception ignored" not in capsys.readouterr().err


def test_a_checkpoint_stops_the_build_only_at_the_stage_named(monkeypatch):
    monkeypatch.setenv(STOP_AT, "epub writing:SIGHUP")
    with interruptible():
        checkpoint("pdf writing")  # another stage: nothing happens
    with pytest.raises(Interrupted) as stopped, interruptible():
        checkpoint("epub writing")
        for _ in range(10_000):
            pass
    assert stopped.value.signum == signal.SIGHUP
    with pytest.raises(AssertionError):
        checkpoint("no such stage")
    assert len(set(STAGES)) == len(STAGES)

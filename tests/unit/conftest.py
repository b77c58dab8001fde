"""Fixtures for the unit tests: a small source folder and a maker of test images."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image as PILImage


def _make_image(path: Path, size=(600, 400), mode="RGB", color="red", fmt=None, **save) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    PILImage.new(mode, size, color).save(path, fmt, **save)
    return path


@pytest.fixture
def make_image():
    """``make_image(path, size=(600, 400), mode="RGB", color="red", fmt=None, **save_options)``."""
    return _make_image


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A source folder: ``manuscript/`` (empty) and ``images/photo.jpg`` (600x400, 300 dpi)."""
    (tmp_path / "manuscript").mkdir()
    _make_image(tmp_path / "images" / "photo.jpg", dpi=(300, 300))
    return tmp_path

# SPDX-License-Identifier: MIT
"""Where the tests find the package, the library and the fixtures.

The package is imported from python/ beside these tests (the build tree's
libpmm.so, or PMM_LIBRARY); the kernels' fixtures from PMM_FIXTURES_DIR or
the shared checkout beside the repository (tests that need them skip
without them)."""
import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO / "python"))

import pmm  # noqa: E402


def _fixtures():
    env = os.environ.get("PMM_FIXTURES_DIR")
    path = Path(env) if env else REPO.parent / "shared" / "fixtures" / "linux"
    return path if path.is_dir() else None


@pytest.fixture
def fixtures():
    path = _fixtures()
    if path is None:
        pytest.skip("the kernels' fixtures (../shared/fixtures/linux) are not here")
    return path


@pytest.fixture
def repo():
    return REPO


@pytest.fixture
def machine(repo):
    """A 2-node x86-64 machine of 4 + 4 GiB (examples/machines)."""
    with pmm.Machine.from_file(repo / "examples/machines/x86_64-interleaved-4x4G.json",
                               bind=False) as m:
        yield m

# SPDX-License-Identifier: MIT
"""The example study runs end to end: a PNG, and compaction that helps."""
import re
import subprocess
import sys


def test_fragmentation_example(repo, tmp_path):
    png = tmp_path / "unusable.png"
    run = subprocess.run([sys.executable, str(repo / "python/examples/fragmentation.py"), str(png)],
                         capture_output=True, text=True, timeout=300, check=True)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    index = dict(re.findall(r"^(\S.*?)\s+free\s+\d+ MiB, order-9 unusable ([\d.]+)$",
                            run.stdout, re.M))
    assert set(index) == {"filled to 85%", "half the user memory freed", "compacted",
                          "user memory gone"}
    # random holes leave most free memory unusable for order 9; compaction
    # makes it usable again
    assert float(index["half the user memory freed"]) > 0.5
    assert float(index["compacted"]) < 0.1

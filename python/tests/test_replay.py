# SPDX-License-Identifier: MIT
"""Replaying kernel page allocator traces from Python: hand-counted lines,
gzip and CSV, and the shared fixtures' real trace against its own summary."""
import csv
import errno
import gzip
import re

import pytest

import pmm

LINES = [
    "# tracer: nop",
    "  fragtest-699     [000] .....     5.304974: mm_page_alloc: page=(____ptrval____) "
    "pfn=0x6406 order=0 migratetype=0 gfp_flags=GFP_KERNEL_ACCOUNT|__GFP_COMP|__GFP_ZERO",
    "        bash-1234  [001]  5.305001: mm_page_alloc:        page=0xffffea0000100000 "
    "pfn=0x4000 order=2 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP",
    "        bash  1234 [000]     5.305100: kmem:mm_page_alloc: page=0xffffea0000200000 "
    "pfn=0x8000 order=1 migratetype=0 gfp_flags=GFP_KERNEL",
    "  fragtest-699     [000] .....     5.306000: mm_page_free: page=(____ptrval____) "
    "pfn=0x6406 order=0",
    "  fragtest-699     [000] .....     5.306001: mm_page_free_batched: page=(____ptrval____) "
    "pfn=0x6406 order=0",
    "        bash  1234 [000]     5.306100: kmem:mm_page_free: page=0xffffea0000200000 "
    "pfn=0x8000 order=1",
    "  fragtest-699     [000] .....     5.306200: mm_page_free: page=(____ptrval____) "
    "pfn=0x77777 order=0",
    "  fragtest-699     [000] .....     5.306700: tracing_mark_write: pmm_phase=p2",
    "garbage that is not an event",
]


def test_replay_lines(machine):
    with pmm.Replay(machine) as r:
        for line in LINES:
            r.line(line)
        st = r.stats()
        # three allocations of 1 + 4 + 2 pages; two of them freed again
        assert (st["allocs"], st["alloc_pages"]) == (3, 7)
        assert (st["frees"], st["free_pages"]) == (2, 3)
        assert st["frees_untracked"] == 1 and st["frees_batched"] == 1
        assert st["other_events"] == 1 and st["unknown"] == 1
        assert (st["held"], st["held_pages"]) == (1, 4)
        assert st["lines"] == len(LINES)
        assert st["first_ts"] == pytest.approx(5.304974)
        assert "allocations" in r.text()
    assert "garbage that is not an event" in r.messages
    with pytest.raises(pmm.PmmError):
        r.stats()                          # closed


def test_replay_gzip_and_csv(machine, tmp_path):
    trace = tmp_path / "trace.txt.gz"
    with gzip.open(trace, "wt") as f:
        for i in range(100):
            f.write(f"  a-1 [000] .....  1.{i:06d}: mm_page_alloc: page=(____ptrval____) "
                    f"pfn={0x10000 + i:#x} order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE\n")
    before = sum(z["free"] for z in machine.zones())
    st = machine.replay(trace, csv=tmp_path / "out.csv", interval=25)
    assert st["allocs"] == 100 and st["held"] == 100
    machine.drain()
    assert sum(z["free"] for z in machine.zones()) == before - 100   # kept allocated
    rows = list(csv.DictReader(open(tmp_path / "out.csv")))
    assert [int(r["events"]) for r in rows] == [25, 50, 75, 100, 100]
    with pytest.raises(pmm.PmmError) as e:
        machine.replay(tmp_path / "missing.txt")
    assert e.value.errno == errno.ENOENT and "missing.txt" in str(e.value)


def test_replay_real_trace(fixtures):
    trace = fixtures.parent / "traces" / "x86_64-1node-2G-trace"
    if not (trace / "trace.txt.gz").exists():
        pytest.skip("no trace fixture")
    summary = (trace / "trace_summary.txt").read_text()
    count = {name: int(n) for name, n in re.findall(r"^(mm_page_\w+)\s+(\d+)$", summary, re.M)}
    with pmm.Machine.from_file(trace / "machine.json", bind=False) as m:
        st = m.replay(trace / "trace.txt.gz", keep=False)
    failed = st["kernel_alloc_failed"] + sum(st["alloc_failed"])
    assert st["allocs"] + failed == count["mm_page_alloc"]
    assert st["frees"] + st["frees_untracked"] == count["mm_page_free"]
    assert st["frees_batched"] == count["mm_page_free_batched"]
    assert st["kernel_fallbacks"] == count["mm_page_alloc_extfrag"]
    assert st["unknown"] == 0

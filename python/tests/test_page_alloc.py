# SPDX-License-Identifier: MIT
"""Allocation, folios, policies, compaction and hotplug from Python, against
the kernel's constants, fixtures and hand-computed counts."""
import errno

import pytest

import pmm


def test_gfp_names_are_the_kernels():
    # include/linux/gfp_types.h (6.1+): GFP_KERNEL = __GFP_RECLAIM | __GFP_IO | __GFP_FS
    assert pmm.parse_gfp("GFP_KERNEL") == 0xcc0
    assert pmm.parse_gfp("GFP_HIGHUSER_MOVABLE") == 0x100cca
    assert pmm.parse_gfp("GFP_KERNEL | __GFP_ZERO") == 0xdc0
    assert pmm.parse_gfp("GFP_ATOMIC") == 0x820
    assert pmm.parse_gfp(0x40) == 0x40
    for bad in ("", "GFP_KERNEL|", "GFP_BOGUS", "none|GFP_KERNEL"):
        with pytest.raises(pmm.PmmError) as e:
            pmm.parse_gfp(bad)
        assert e.value.errno == errno.EINVAL


def skip_flatmem(m):
    if m.summary()["memory_model"] == "FLATMEM":
        pytest.skip("no memory hotplug under FLATMEM (the library was built with it)")


def free_pages(m):
    m.drain()
    return sum(z["free"] for z in m.zones())


def test_alloc_and_free_pages(machine):
    before = free_pages(machine)
    buddy = machine.buddyinfo()
    page = machine.alloc_pages(order=3, gfp="GFP_KERNEL|__GFP_ZERO", node=1)
    assert page.node == 1 and page.zone == "Normal" and page.refcount == 1
    assert page.pfn % 8 == 0 and page.phys == page.pfn * 4096
    assert machine.pfn_valid(page.pfn)
    data = page.data
    assert len(data) == 8 * 4096 and not any(data)
    data[:5] = b"hello"
    assert bytes(page.data[:5]) == b"hello"
    assert free_pages(machine) == before - 8
    page.free()
    assert free_pages(machine) == before
    assert machine.buddyinfo() == buddy      # every buddy merged back
    machine.check()


def test_double_free_is_refused(machine):
    page = machine.alloc_pages()
    page.free()
    with pytest.raises(pmm.PmmError) as e:
        page.free()
    assert e.value.errno == errno.EINVAL and "freed already" in str(e.value)


def test_allocation_failure(machine):
    with pytest.raises(pmm.AllocationError) as e:
        machine.alloc_pages(order=11)        # above MAX_PAGE_ORDER (10 on x86-64)
    assert e.value.errno == errno.ENOMEM
    with pytest.raises(pmm.AllocationError):
        machine.alloc_pages(node=1, gfp="GFP_DMA|__GFP_THISNODE|__GFP_NOWARN")  # no DMA on node 1


def test_bulk_and_folios(machine):
    before = free_pages(machine)
    pages = machine.alloc_pages_bulk(64, node=0)
    assert len(pages) == 64 and len({p.pfn for p in pages}) == 64
    assert all(p.node == 0 and p.order == 0 for p in pages)
    folio = machine.alloc_folio(order=9, lru=True)
    assert isinstance(folio, pmm.Folio) and folio.pfn % 512 == 0
    lru = machine.vmstat()
    assert lru["nr_inactive_file"] == 512    # not swap-backed: the file list
    assert folio.isolate_lru() and machine.vmstat()["nr_inactive_file"] == 0
    folio.putback_lru()
    assert machine.vmstat()["nr_inactive_file"] == 512
    folio.put()                              # off the lists and freed
    machine.free_pages_bulk(pages[:32])
    assert all(p.freed for p in pages[:32])
    for p in pages[32:]:
        p.free()
    with pytest.raises(pmm.PmmError):
        machine.free_pages_bulk(pages[:1])       # freed already
    assert free_pages(machine) == before
    assert machine.pages == []


def test_policies(machine):
    machine.set_mempolicy(pmm.Mempolicy("interleave", [0, 1]))
    assert [machine.alloc_pages().node for _ in range(6)] == [0, 1, 0, 1, 0, 1]
    assert machine.get_mempolicy().mode == "interleave"
    machine.set_mempolicy(pmm.Mempolicy("bind", [1]))
    assert {machine.alloc_pages().node for _ in range(8)} == {1}
    machine.set_mempolicy(None)
    assert machine.get_mempolicy().mode == "default"
    # local allocation follows the simulated CPU: CPUs 2-3 are node 1's
    machine.cpu = 3
    assert machine.alloc_pages().node == 1
    machine.cpu = 0
    assert machine.alloc_pages(policy=pmm.Mempolicy("preferred", [1])).node == 1
    with pytest.raises(pmm.PmmError) as e:
        pmm.Mempolicy("sideways")
    assert e.value.errno == errno.EINVAL
    with pytest.raises(pmm.PmmError):
        machine.set_mempolicy(pmm.Mempolicy("bind", []))
    with pytest.raises(pmm.PmmError):
        machine.cpu = 99


def test_move_and_migrate_pages(machine):
    folios = [machine.alloc_folio(0, lru=True) for _ in range(8)]
    assert {f.node for f in folios} == {0}
    for i, f in enumerate(folios):
        f.data[:1] = bytes([i])
    # move_pages(2): half of them to node 1; the objects follow, contents too
    status = machine.move_pages(folios[:4], [1] * 4)
    assert status == [1, 1, 1, 1]
    assert [f.node for f in folios] == [1] * 4 + [0] * 4
    assert [f.data[0] for f in folios] == list(range(8))
    assert machine.move_pages(folios) == [1] * 4 + [0] * 4      # where they are
    plain = machine.alloc_pages()               # not on the LRU lists: cannot move
    assert machine.move_pages([plain], [1]) == [-errno.EBUSY]
    # migrate_pages(2): everything on node 0's lists to node 1
    assert machine.migrate_pages([0], [1]) == 0
    assert {f.node for f in folios} == {1}
    with pytest.raises(pmm.PmmError):
        machine.move_pages(folios[:1], [1, 0])
    plain.free()
    for f in folios:
        f.put()
    machine.check()


def test_compaction_moves_pages_and_the_objects_follow(machine):
    # 16 MiB of movable folios on the LRU, every other one freed:
    # no free order-10 block in that stretch until compaction moves them
    folios = [machine.alloc_folio(0, lru=True) for _ in range(4096)]
    for f in folios[::2]:
        f.put()
    kept = folios[1::2]
    marks = {}
    for i, f in enumerate(kept):
        f.data[:4] = i.to_bytes(4, "little")
        marks[i] = f.pfn
    moved = machine.vmstat()["pgmigrate_success"]
    machine.compact()
    assert machine.vmstat()["pgmigrate_success"] > moved
    changed = 0
    for i, f in enumerate(kept):
        assert bytes(f.data[:4]) == i.to_bytes(4, "little")   # the contents moved with it
        changed += f.pfn != marks[i]
    assert changed > 0
    machine.check()


def test_hotplug_matches_the_kernel(fixtures):
    fix = fixtures / "x86_64-hotplug-dimm1G-node1-online1-movable"
    with pmm.Machine.from_file(fix / "machine.json", bind=False) as m:
        skip_flatmem(m)
        assert m.text("memory-blocks") == (fix / "memory_blocks_before_online.txt").read_text()
        m.online_block(32, "online_movable")
        assert m.text("memory-blocks") == (fix / "memory_blocks_after_online.txt").read_text()
        block = next(b for b in m.memory_blocks() if b["id"] == 32)
        assert block["state"] == "online" and block["node"] == 1
        m.offline_block(32)
        assert m.text("memory-blocks") == (fix / "memory_blocks_before_online.txt").read_text()
        with pytest.raises(pmm.PmmError) as e:
            m.offline_block(32)
        assert e.value.errno == errno.EINVAL
        with pytest.raises(pmm.PmmError):
            m.online_block(32, "sideways")


def test_add_and_remove_memory(repo):
    with pmm.Machine.from_file(repo / "examples/machines/x86_64-interleaved-4x4G.json",
                               bind=False, phys_limit="32G") as m:
        skip_flatmem(m)
        blocks = len(m.memory_blocks())
        m.add_memory(1, "16G", "1G")
        new = [b for b in m.memory_blocks() if b["start"] >= 16 << 30]
        assert [b["id"] for b in new] == list(range(128, 136))   # 1 GiB of 128 MiB blocks
        for b in new:
            if b["state"] != "online":
                m.online_block(b["id"], "online_movable")
        assert m.node_meminfo()[1]["MemTotal"] == 9 << 20
        for b in new:
            m.offline_block(b["id"])
        m.remove_memory("16G", "1G")
        assert len(m.memory_blocks()) == blocks
        with pytest.raises(pmm.PmmError) as e:
            m.add_memory(1, "16G", "1M")               # not a whole memory block
        assert e.value.errno == errno.EINVAL
        with pytest.raises(pmm.PmmError) as e:
            m.add_memory(1, "64G", "1G")               # beyond phys_limit
        assert e.value.errno == errno.ERANGE

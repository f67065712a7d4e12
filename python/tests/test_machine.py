# SPDX-License-Identifier: MIT
"""Machines from every input, and their reports as text and as objects,
checked against what real kernels printed (the fixtures) and hand-computed values."""
import ctypes
import errno
import re
import xml.etree.ElementTree as ET

import pytest

import pmm
from pmm import _lib


def kernel_zoneinfo(path):
    """{(node, zone): {"spanned", "present", "managed"}} from a kernel's /proc/zoneinfo."""
    zones, key = {}, None
    for line in path.read_text().splitlines():
        head = re.match(r"Node (\d+), zone\s+(\S+)", line)
        if head:
            key = (int(head.group(1)), head.group(2))
            zones[key] = {}
            continue
        field = re.match(r"\s+(spanned|present|managed)\s+(\d+)$", line)
        if field and key:
            zones[key][field.group(1)] = int(field.group(2))
    return {k: v for k, v in zones.items() if v}


def kernel_buddyinfo_zones(path):
    return [(int(n), z) for n, z in re.findall(r"Node (\d+), zone\s+(\S+)", path.read_text())]


def test_layouts_match_the_library():
    # every mirrored structure was checked at import; a wrong mirror is refused
    class Wrong(ctypes.Structure):
        _fields_ = [("flags", ctypes.c_uint)]

    with pytest.raises(ImportError, match="pmm_boot_opts"):
        _lib._check_layout(Wrong, "pmm_boot_opts")
    assert _lib.MAX_NUMNODES >= 64 and _lib.NR_PAGE_ORDERS == 14


def test_version():
    assert re.fullmatch(r"\d+\.\d+\.\d+", pmm.version())


@pytest.mark.parametrize("name", ["x86_64-2node-8G", "x86_64-2node-8G-movablecore80pct",
                                  "i386-pae-1node-2G", "arm64-virt-2node-16G-movablecore80pct"])
def test_zones_from_description_match_the_kernel(fixtures, name):
    want = kernel_zoneinfo(fixtures / name / "zoneinfo.txt")
    with pmm.Machine.from_file(fixtures / name / "machine.json", bind=False,
                               direct_map=False) as m:
        got = {(z["node"], z["zone"]): {k: z[k] for k in ("spanned", "present", "managed")}
               for z in m.zones()}
        for key, fields in want.items():
            assert got[key] == fields, key
        # buddyinfo lists the same populated zones the kernel listed, with one count per order
        buddy = m.buddyinfo()
        assert list(buddy) == kernel_buddyinfo_zones(fixtures / name / "buddyinfo.txt")
        orders = m.summary()["max_page_order"] + 1
        assert all(len(counts) == orders for counts in buddy.values())
        # free pages: buddyinfo's blocks add up to zoneinfo's free count, zone by zone
        m.drain()
        free = {(z["node"], z["zone"]): z["free"] for z in m.zones()}
        for key, counts in m.buddyinfo().items():
            assert sum(c << o for o, c in enumerate(counts)) == free[key], key


def test_machine_from_dmesg_matches_the_kernel(fixtures):
    fix = fixtures / "x86_64-2node-8G"
    want = kernel_zoneinfo(fix / "zoneinfo.txt")
    with pmm.Machine.from_dmesg(fix / "dmesg.txt", bind=False, direct_map=False) as m:
        got = {(z["node"], z["zone"]): z for z in m.zones()}
        for key, fields in want.items():
            assert got[key]["spanned"] == fields["spanned"], key
            assert got[key]["present"] == fields["present"], key
        assert m.node_states()["online"] == [0, 1]
        assert m.distance(0, 1) == int((fix / "node_distance.txt").read_text().split()[2])


def test_machine_from_hwloc(repo, fixtures):
    xml = fixtures.parent / "hwloc" / "16amd64-4distances.xml"
    if not xml.exists():
        pytest.skip("no hwloc fixture")
    tree = ET.parse(xml)
    numa = [o for o in tree.iter("object") if o.get("type") == "NUMANode"]
    pus = [o for o in tree.iter("object") if o.get("type") == "PU"]
    with pmm.Machine.from_hwloc(xml, memory_per_node="1G", bind=False, direct_map=False) as m:
        assert len(m.node_states()["online"]) == len(numa)
        assert m.nr_cpus == len(pus)


def test_machine_from_synthetic():
    with pmm.Machine.from_synthetic("pack:2 numa:1 core:2 pu:1", memory_per_node="512M",
                                    bind=False) as m:
        assert m.node_states()["has_memory"] == [0, 1]
        assert m.nr_cpus == 4 and m.cpu_to_node(3) == 1
        # 512 MiB a node of 4 KiB pages; node 0 less x86's first page and the
        # legacy hole [0x9f000, 0x100000)
        present = {n: sum(z["present"] for z in m.zones() if z["node"] == n) for n in (0, 1)}
        assert present == {0: 131072 - 1 - (0x100 - 0x9f), 1: 131072}


def test_machine_from_host():
    with pmm.Machine.from_host(bind=False, direct_map=False, defer="on-demand") as m:
        online = open("/sys/devices/system/node/online").read().strip()
        assert m.node_states()["online"] == pmm._nodelist(online)


def test_description_built_in_python_round_trips():
    d = pmm.Description("x86_64").add_node(0, "0-1").add_memory("1M", "1G", 0)
    d.set_kernel("6.12")
    text = d.to_json()
    again = pmm.Description.from_json(text)
    assert again.to_json() == text
    with d.boot(bind=False) as m:
        # [1 MiB, 1 GiB): DMA below 16 MiB, DMA32 up to 4 GiB
        zones = {z["zone"]: z for z in m.zones() if z["present"]}
        assert zones["DMA"]["present"] == (16 << 20) // 4096 - 256
        assert zones["DMA32"]["present"] == (1 << 30) // 4096 - 4096


def test_errors_name_the_input(tmp_path):
    with pytest.raises(pmm.PmmError) as e:
        pmm.Machine.from_file(tmp_path / "missing.json")
    assert e.value.errno == errno.ENOENT and "missing.json" in str(e.value)
    bad = tmp_path / "bad.json"
    bad.write_text('{"arch": "x86_64", "memory": [{"start": "1G", "end": "0"}]}')
    with pytest.raises(pmm.PmmError) as e:
        pmm.Description.from_file(bad)
    assert e.value.errno == errno.EINVAL and "bad.json" in str(e.value)
    with pytest.raises(pmm.PmmError) as e:
        pmm.Description("vax")
    assert e.value.errno == errno.EINVAL and "vax" in str(e.value)
    d = pmm.Description("x86_64").add_node(0, "0")
    with pytest.raises(pmm.PmmError) as e:
        d.add_memory("2G", "1G")
    assert e.value.errno == errno.EINVAL and "0x80000000" in str(e.value)
    with pytest.raises(pmm.PmmError) as e:   # no memory: the boot says why
        pmm.Description("x86_64").add_node(0, "0").boot()
    assert e.value.errno == errno.EINVAL
    with pytest.raises(ValueError, match="-5G"):
        pmm.parse_size("-5G")


def test_every_report_as_text_and_objects(machine):
    for name in pmm.REPORTS:
        assert machine.text(name), name
        assert isinstance(machine.report(name), dict), name
    assert machine.text("diagram")
    with pytest.raises(pmm.PmmError, match="diagram is text only"):
        machine.report("diagram")
    with pytest.raises(pmm.PmmError) as e:
        machine.text("nonsense")
    assert e.value.errno == errno.EINVAL
    # the text and the objects say the same
    buddy = machine.buddyinfo()
    for line in machine.text("buddyinfo").splitlines():
        node, zone, *counts = re.match(r"Node (\d+), zone\s+(\S+)\s+(.*)", line).groups()
        assert buddy[(int(node), zone)] == [int(c) for c in counts[0].split()]
    meminfo = machine.meminfo()
    assert f"MemTotal:       {meminfo['MemTotal']:8d} kB" in machine.text("meminfo")
    assert machine.vmstat()["nr_free_pages"] == sum(z["free"] for z in machine.zones())
    blocks = machine.memory_blocks()
    assert len(blocks) == (16 << 30) // machine.block_size
    assert machine.node_meminfo()[1]["MemTotal"] == 8 << 20


def test_export(machine, tmp_path):
    machine.export(tmp_path)
    assert (tmp_path / "proc/buddyinfo").read_text() == machine.text("buddyinfo")
    assert (tmp_path / "sys/devices/system/node/online").read_text() == "0-1\n"
    with pytest.raises(pmm.PmmError):
        machine.export("")


def test_shutdown(machine):
    page = machine.alloc_pages()
    machine.shutdown()
    assert page.freed
    with pytest.raises(pmm.PmmError) as e:
        machine.zones()
    assert e.value.errno == errno.ESHUTDOWN


def test_map_svg(machine, tmp_path):
    svg = machine.map_svg(tmp_path / "map.svg")
    assert (tmp_path / "map.svg").read_text() == svg
    root = ET.fromstring(svg)                  # well-formed
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == ns + "svg" and root.get("width") == "1200"
    cells = [r for r in root.iter(ns + "rect") if r.get("class") == "pb"]
    # 16 GiB of 2 MiB pageblocks: more than 4096, so several to a cell; every
    # cell's type is one of its zone's pageblock types (pagetypeinfo)
    blocks = machine.pagetypeinfo()["blocks"]
    assert sum(sum(v.values()) for v in blocks.values()) == 8192      # 16 GiB from 0
    assert 2048 <= len(cells) <= 4096
    for c in cells:
        assert blocks[(int(c.get("data-node")), c.get("data-zone"))][c.get("data-type")] > 0
        assert 0.0 <= float(c.get("data-used")) <= 1.0
        assert c.find(ns + "title").text.startswith("pfn 0x")
    blocks_drawn = [r for r in root.iter(ns + "rect") if r.get("class") == "block"]
    assert sum(int(b.get("data-last")) - int(b.get("data-first")) + 1 for b in blocks_drawn) == \
        len(machine.memory_blocks())

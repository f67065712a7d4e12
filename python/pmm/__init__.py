# SPDX-License-Identifier: MIT
"""pmm from Python: the Linux physical memory model, simulated on real memory.

    import pmm
    with pmm.Machine.from_file("examples/machines/x86_64-interleaved-4x4G.json") as m:
        page = m.alloc_pages(order=2, gfp="GFP_KERNEL")
        print(page.pfn, page.node, page.zone)
        page.free()
        print(m.buddyinfo()[(0, "Normal")])      # free blocks per order
        print(m.text("zoneinfo"))                # /proc/zoneinfo as the kernel prints it

Machines come from description files, boot logs, hwloc topologies or this
host (Machine.from_*), or from a Description built in Python. Every report
of the command-line tool is here as its text (Machine.text) and as Python
objects (Machine.report and the named methods). Errors raise PmmError, an
OSError carrying the errno and the library's message. docs/research.md
walks through a study; the C headers in include/pmm/ say what each call does.
"""
import ctypes
import errno as _errno
import json
import os
import re
import weakref
from collections import deque
from ctypes import byref, c_long, c_uint, c_void_p

from . import _lib
from ._lib import lib

__all__ = ["PmmError", "AllocationError", "Description", "Machine", "Page", "Folio",
           "Mempolicy", "Replay", "parse_gfp", "parse_size", "version", "REPORTS", "ZONE_NAMES"]

LOG_ERR, LOG_WARNING = 3, 4
ZONE_NAMES = tuple(_lib.ZONE_NAMES)

#: every report, by the command-line tool's name for it
REPORTS = ("boot-log", "zoneinfo", "node-states", "memory-blocks", "buddyinfo", "pagetypeinfo",
           "extfrag", "unusable", "memory-tiers", "vmstat", "meminfo", "node-meminfo", "summary")
_TEXT_ONLY = ("diagram",)

_BOOT_FLAGS = {"direct_map": (1 << 0, False), "bind": (1 << 1, False),
               "pcp": (1 << 3, False), "inline_daemons": (1 << 4, True)}
_DEFER = {None: 0, "default": 0, "eager": 1, "deferred": 2, "on-demand": 3, "on_demand": 3}
_ONLINE = {"offline": 0, "online": 1, "online_kernel": 2, "online_movable": 3}
_BLOCK_STATES = ("online", "going-offline", "offline")
_MPOL = ("default", "preferred", "bind", "interleave", "local", "preferred_many",
         "weighted_interleave")


class PmmError(OSError):
    """A call into pmm failed: .errno is the error number, .strerror the message
    (which names the input that was wrong, and adds what the library logged)."""

    def __init__(self, err, message):
        super().__init__(err, message)


class AllocationError(PmmError):
    """No pages could be had (the allocator returned NULL): errno ENOMEM."""

    def __init__(self, message):
        super().__init__(_errno.ENOMEM, message)


def version():
    """The C library's version, "MAJOR.MINOR.PATCH"."""
    return lib.pmm_version().decode()


_SIZE = re.compile(r"^\s*(0[xX][0-9a-fA-F]+|\d+)\s*([KMGTPE]?)(i?B)?\s*$")


def parse_size(value):
    """Bytes from an int or a string: 4096, "0x1000", "512M", "4G", "1TiB"."""
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"size {value}: negative")
        return value
    match = _SIZE.match(str(value))
    if not match:
        raise ValueError(f"size {value!r}: not a number with an optional K/M/G/T/P/E suffix")
    number = int(match.group(1), 0)
    return number << (10 * " KMGTPE".index(match.group(2) or " "))


_gfp_cache = {}


def parse_gfp(flags):
    """gfp flags from an int, or names as the kernel prints them ("GFP_KERNEL|__GFP_ZERO")."""
    if isinstance(flags, int):
        return flags
    if flags not in _gfp_cache:
        value = c_uint()
        if lib.pmm_gfp_parse(str(flags).encode(), byref(value)):
            raise PmmError(_errno.EINVAL, f"gfp flags {flags!r}: unknown name (names as "
                           "include/linux/gfp_types.h spells them: GFP_KERNEL|__GFP_COMP)")
        _gfp_cache[flags] = value.value
    return _gfp_cache[flags]


def _nodelist(text):
    """"0-2,5" -> [0, 1, 2, 5]"""
    nodes = []
    for part in filter(None, (text or "").split(",")):
        lo, _, hi = part.partition("-")
        nodes.extend(range(int(lo), int(hi or lo) + 1))
    return nodes


def _nodemask(nodes):
    mask = _lib.Nodemask()
    for nid in nodes:
        if not 0 <= nid < _lib.MAX_NUMNODES:
            raise PmmError(_errno.EINVAL, f"node {nid}: out of range 0..{_lib.MAX_NUMNODES - 1}")
        mask.bits[nid // 64] |= 1 << (nid % 64)
    return mask


# ---- descriptions -------------------------------------------------------------------------------


class Description:
    """A machine description (struct pmm_machine_desc): what to boot.

    Build one (Description("x86_64"), add_node, add_memory, ...) or read one
    (Description.from_file, from_dmesg, from_hwloc, from_synthetic, from_host);
    boot it with boot(), save it with to_json()."""

    def __init__(self, arch="x86_64", *, _handle=None):
        if _handle is None:
            handle = c_void_p()
            _check(lib.pmm_machine_desc_create(str(arch).encode(), byref(handle)),
                   f"architecture {arch!r}")
            _handle = handle.value
        self._d = _handle

    def __del__(self):
        if getattr(self, "_d", None):
            lib.pmm_machine_desc_destroy(self._d)
            self._d = None

    def _call(self, rc, what):
        if rc < 0:
            detail = lib.pmm_machine_desc_error(self._d)
            raise PmmError(-rc, f"{what}: {detail.decode() if detail else os.strerror(-rc)}")
        return rc

    @classmethod
    def _read(cls, fn, args, what):
        handle, err = c_void_p(), ctypes.create_string_buffer(512)
        rc = fn(*args, byref(handle), err, len(err))
        if rc:
            message = err.value.decode() or os.strerror(-rc)
            raise PmmError(-rc, message if what in message else f"{what}: {message}")
        return cls(_handle=handle.value)

    @classmethod
    def from_file(cls, path):
        """A description file (docs/machine-format.md)."""
        return cls._read(lib.pmm_machine_desc_from_json, [os.fsencode(path)], str(path))

    @classmethod
    def from_json(cls, text, name="<json>"):
        """A description from its JSON text."""
        data = text.encode() if isinstance(text, str) else bytes(text)
        return cls._read(lib.pmm_machine_desc_from_json_buffer,
                         [data, len(data), name.encode()], name)

    @classmethod
    def from_dmesg(cls, path, arch=None):
        """A Linux boot log: the machine it came from (arch: when the log does not say)."""
        return cls._read(lib.pmm_machine_desc_from_dmesg_arch,
                         [os.fsencode(path), arch.encode() if arch else None], str(path))

    @classmethod
    def from_hwloc(cls, path, memory_per_node=0, arch=None):
        """An hwloc XML topology (lstopo FILE.xml); memory_per_node: bytes or "4G"
        for nodes whose topology has no size (0: what the topology says)."""
        return cls._read(lib.pmm_machine_from_hwloc_xml,
                         [os.fsencode(path), parse_size(memory_per_node),
                          arch.encode() if arch else None], str(path))

    @classmethod
    def from_synthetic(cls, description, memory_per_node=0, arch=None):
        """An hwloc synthetic topology, e.g. "pack:2 numa:1 core:4 pu:1"."""
        return cls._read(lib.pmm_machine_from_hwloc_synthetic,
                         [description.encode(), parse_size(memory_per_node),
                          arch.encode() if arch else None], description)

    @classmethod
    def from_host(cls):
        """This host's nodes, CPUs and memory."""
        handle = c_void_p()
        _check(lib.pmm_machine_from_host(byref(handle)), "this host")
        return cls(_handle=handle.value)

    def add_node(self, nid, cpus=""):
        """Declare node nid with its CPUs ("0-3,8")."""
        self._call(lib.pmm_machine_desc_add_node(self._d, nid, cpus.encode()), f"node {nid}")
        return self

    def set_distance(self, a, b, distance):
        self._call(lib.pmm_machine_desc_set_distance(self._d, a, b, distance),
                   f"distance {a} -> {b}")
        return self

    def add_memory(self, start, end, node=0, hotpluggable=False):
        """RAM [start, end) on a node (bytes or sizes as strings)."""
        start, end = parse_size(start), parse_size(end)
        self._call(lib.pmm_machine_desc_add_memory(self._d, start, end, node,
                                                   1 if hotpluggable else 0),
                   f"memory {start:#x}-{end:#x}")
        return self

    def add_reserved(self, start, end):
        start, end = parse_size(start), parse_size(end)
        self._call(lib.pmm_machine_desc_add_reserved(self._d, start, end),
                   f"reserved {start:#x}-{end:#x}")
        return self

    def add_hotplug(self, start, end, node=0):
        """A range memory may be hot-added to later (ACPI SRAT's hotpluggable ranges)."""
        start, end = parse_size(start), parse_size(end)
        self._call(lib.pmm_machine_desc_add_hotplug(self._d, start, end, node),
                   f"hotplug range {start:#x}-{end:#x}")
        return self

    def set_cmdline(self, cmdline):
        self._call(lib.pmm_machine_desc_set_cmdline(self._d, cmdline.encode()), "cmdline")
        return self

    def append_cmdline(self, params):
        self._call(lib.pmm_machine_desc_append_cmdline(self._d, params.encode()), "cmdline")
        return self

    def set_kernel(self, version):
        """Follow the rules of kernel MAJOR.MINOR ("6.1", "6.12")."""
        self._call(lib.pmm_machine_desc_set_kernel(self._d, version.encode()),
                   f"kernel {version}")
        return self

    def set_sysctl(self, name, *values):
        arr = (c_long * len(values))(*values)
        self._call(lib.pmm_machine_desc_set_sysctl(self._d, name.encode(), arr, len(values)),
                   f"sysctl {name}")
        return self

    def set_swap(self, size):
        self._call(lib.pmm_machine_desc_set_swap(self._d, parse_size(size)), "swap")
        return self

    def to_json(self):
        """The description as a description file's text (what `pmm describe` writes)."""
        rc, text = _lib.capture(lambda f: lib.pmm_machine_desc_write_json(self._d, f))
        _check(rc, "writing the description")
        return text

    def boot(self, **opts):
        """Boot it: a Machine (keyword options as Machine())."""
        return Machine(self, **opts)


def _check(rc, what, detail=""):
    if rc < 0:
        raise PmmError(-rc, f"{what}: {detail or os.strerror(-rc)}")
    return rc


# ---- pages --------------------------------------------------------------------------------------


class Page:
    """2^order pages the allocator handed out (struct page of the first).

    pfn, node, zone and phys say where they are; data is their real memory;
    free() gives them back. Pages move when compaction or offlining migrates
    them: the object follows (the pfn changes)."""

    __slots__ = ("machine", "_ptr", "order", "__weakref__")

    def __init__(self, machine, ptr, order):
        self.machine, self._ptr, self.order = machine, ptr, order

    @property
    def pfn(self):
        return lib.pmm_abi_page_to_pfn(self.machine._m, self._ptr)

    @property
    def phys(self):
        """Physical address of the first byte."""
        return self.pfn * self.machine.page_size

    @property
    def nr_pages(self):
        return 1 << self.order

    @property
    def node(self):
        return lib.pmm_abi_page_nid(self._ptr)

    @property
    def zone(self):
        return ZONE_NAMES[lib.pmm_abi_page_zonenum(self._ptr)]

    @property
    def refcount(self):
        return lib.pmm_abi_page_ref_count(self._ptr)

    @property
    def freed(self):
        return self._ptr is None

    @property
    def data(self):
        """The pages' real memory, writable (None without a direct map)."""
        addr = lib.pmm_abi_page_address(self.machine._m, self._ptr)
        if not addr:
            return None
        size = self.machine.page_size << self.order
        return memoryview((ctypes.c_char * size).from_address(addr)).cast("B")

    def _release(self):
        if self._ptr is None:
            raise PmmError(_errno.EINVAL, f"{self!r}: freed already")
        self.machine._alive()
        self.machine._pages.pop(self._ptr, None)

    def free(self):
        """__free_pages(): give the pages back."""
        self._release()
        ptr, self._ptr = self._ptr, None
        self.machine._call_logged(lambda: lib.pmm_free_pages(self.machine._m, ptr, self.order),
                                  f"freeing pfn {lib.pmm_abi_page_to_pfn(self.machine._m, ptr)}")

    def __repr__(self):
        if self._ptr is None:
            return f"<pmm.{type(self).__name__} freed>"
        return (f"<pmm.{type(self).__name__} pfn {self.pfn:#x} order {self.order} "
                f"node {self.node} {self.zone}>")


class Folio(Page):
    """A folio (a compound page when order > 0): put() drops the reference."""

    __slots__ = ()

    def put(self):
        """folio_put(): drop the allocation's reference; freed at zero."""
        self._release()
        ptr, self._ptr = self._ptr, None
        self.machine._call_logged(lambda: lib.pmm_folio_put(self.machine._m, ptr), "folio_put")

    free = put

    def add_lru(self):
        """folio_add_lru(): onto its node's LRU lists, where reclaim ages it and
        compaction, offlining and migration may move it."""
        self.machine._alive()
        _check(lib.pmm_folio_add_lru(self.machine._m, self._ptr), "folio_add_lru")

    def isolate_lru(self):
        """folio_isolate_lru(): off the LRU lists, with a reference of the
        isolation's own (putback_lru() puts it back and drops that); True if
        it was on the lists. put() alone frees a folio on the lists."""
        self.machine._alive()
        return bool(_check(lib.pmm_folio_isolate_lru(self.machine._m, self._ptr),
                           "folio_isolate_lru"))

    def putback_lru(self):
        """folio_putback_lru(): undo isolate_lru()."""
        self.machine._alive()
        lib.pmm_folio_putback_lru(self.machine._m, self._ptr)


class Mempolicy:
    """A memory policy: mode is one of "default", "preferred", "bind",
    "interleave", "local", "preferred_many", "weighted_interleave"."""

    def __init__(self, mode, nodes=(), home_node=None):
        if mode not in _MPOL:
            raise PmmError(_errno.EINVAL, f"policy mode {mode!r}: not one of {', '.join(_MPOL)}")
        self.mode, self.nodes, self.home_node = mode, tuple(nodes), home_node

    def _c(self):
        pol = _lib.Mempolicy(mode=_MPOL.index(self.mode), nodes=_nodemask(self.nodes))
        if self.home_node is not None:
            pol.home_node, pol.has_home_node = self.home_node, 1
        return pol

    def __repr__(self):
        return f"Mempolicy({self.mode!r}, {list(self.nodes)}, home_node={self.home_node})"


# ---- machines -----------------------------------------------------------------------------------


class Machine:
    """A booted machine (struct pmm_machine).

    Options: direct_map (real memory behind every page; False: metadata
    only, for machines larger than the host), bind (to host NUMA nodes),
    pcp (per-CPU page lists), inline_daemons (True, the default here:
    kswapd and kcompactd run in the calling thread, so that a run is
    deterministic; False: threads, as in the kernel), defer ("eager",
    "deferred", "on-demand"; None: pmm's choice), phys_limit and
    memmap_limit (bytes), cmdline (kernel parameters to add).
    The machine's log (boot log and messages) is in .log; shut it down with
    shutdown() or a with block."""

    def __init__(self, description, *, direct_map=True, bind=True, pcp=True,
                 inline_daemons=True, defer=None, phys_limit=0, memmap_limit=0, cmdline=None):
        if isinstance(description, (str, os.PathLike)):
            description = Description.from_file(description)
        if cmdline:
            description.append_cmdline(cmdline)
        if defer not in _DEFER:
            raise PmmError(_errno.EINVAL, f"defer {defer!r}: not eager, deferred or on-demand")
        flags = 0
        for name, value in (("direct_map", direct_map), ("bind", bind), ("pcp", pcp),
                            ("inline_daemons", inline_daemons)):
            bit, set_when = _BOOT_FLAGS[name]
            if bool(value) == set_when:
                flags |= bit
        self._m = None
        self._log = deque(maxlen=4096)
        self._log_seq = 0
        self._pages = weakref.WeakValueDictionary()
        self._replays = weakref.WeakSet()
        self._log_cb = _lib.LOG_FN(self._on_log)
        self._migrate_cb = _lib.MIGRATE_FN(self._on_migrate)
        opts = _lib.BootOpts(flags=flags, phys_limit=parse_size(phys_limit),
                             defer=_DEFER[defer], memmap_limit=parse_size(memmap_limit))
        opts.log = self._log_cb
        opts.migrate_page = self._migrate_cb
        handle = c_void_p()
        seq = self._log_seq
        rc = lib.pmm_boot(description._d, byref(opts), byref(handle))
        if rc:
            raise PmmError(-rc, f"boot failed: {self._errors_since(seq) or os.strerror(-rc)}")
        self._m = handle.value
        self.page_size = self.summary()["page_size"]

    # -- life --

    @classmethod
    def from_file(cls, path, **opts):
        """Boot a description file (docs/machine-format.md)."""
        return cls(Description.from_file(path), **opts)

    @classmethod
    def from_dmesg(cls, path, arch=None, **opts):
        """Boot the machine a Linux boot log came from."""
        return cls(Description.from_dmesg(path, arch), **opts)

    @classmethod
    def from_hwloc(cls, path, memory_per_node=0, arch=None, **opts):
        """Boot an hwloc XML topology."""
        return cls(Description.from_hwloc(path, memory_per_node, arch), **opts)

    @classmethod
    def from_synthetic(cls, description, memory_per_node=0, arch=None, **opts):
        """Boot an hwloc synthetic topology ("pack:2 numa:1 pu:2")."""
        return cls(Description.from_synthetic(description, memory_per_node, arch), **opts)

    @classmethod
    def from_host(cls, **opts):
        """Boot this host's layout."""
        return cls(Description.from_host(), **opts)

    def shutdown(self):
        """Release the machine and its host memory; its pages become unusable."""
        if self._m:
            for replay in list(self._replays):
                replay.close(free_pages=False)
            for page in list(self._pages.values()):
                page._ptr = None
            lib.pmm_shutdown(self._m)
            self._m = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.shutdown()

    def __del__(self):
        if getattr(self, "_m", None):
            self.shutdown()

    def _alive(self):
        if not self._m:
            raise PmmError(_errno.ESHUTDOWN, "the machine was shut down")

    # -- callbacks and the log --

    def _on_log(self, _arg, level, line):
        self._log_seq += 1
        self._log.append((self._log_seq, level, line.decode("utf-8", "replace")))

    def _on_migrate(self, arg, frm, to, order):
        page = self._pages.pop(frm, None)
        if page is not None:
            page._ptr = to
            self._pages[to] = page
        for replay in list(self._replays):
            if replay._r:
                lib.pmm_replay_migrate_page(replay._r, frm, to, order)
        return 0

    def _errors_since(self, seq):
        return "; ".join(line for s, level, line in self._log
                         if s > seq and level <= LOG_WARNING)

    def _call_logged(self, fn, what):
        """fn() for a call that reports misuse in the log only (a bad free): raise it."""
        seq = self._log_seq
        fn()
        errors = "; ".join(line for s, level, line in self._log if s > seq and level <= LOG_ERR)
        if errors:
            raise PmmError(_errno.EINVAL, f"{what}: {errors}")

    def _check(self, rc, what, seq):
        if rc < 0:
            raise PmmError(-rc, f"{what}: {self._errors_since(seq) or os.strerror(-rc)}")
        return rc

    @property
    def log(self):
        """The last 4096 lines the machine logged (boot log and messages)."""
        return [line for _, _, line in self._log]

    @property
    def boot_log(self):
        """The kernel's boot log lines, as dmesg shows them."""
        self._alive()
        return lib.pmm_boot_log(self._m).decode()

    # -- the page allocator --

    def _page(self, ptr, order, cls, what):
        if not ptr:
            raise AllocationError(f"{what}: no pages")
        page = cls(self, ptr, order)
        self._pages[ptr] = page
        return page

    def alloc_pages(self, order=0, gfp="GFP_KERNEL", node=None, policy=None):
        """alloc_pages(): 2^order pages, as a Page. node: alloc_pages_node();
        policy: a Mempolicy for this allocation (alloc_pages_mpol()); else the
        thread's policy. Raises AllocationError when none can be had."""
        self._alive()
        flags = parse_gfp(gfp)
        if node is not None and policy is not None:
            raise PmmError(_errno.EINVAL, "alloc_pages: node or policy, not both")
        if policy is not None:
            pol = policy._c()
            ptr = lib.pmm_alloc_pages_mpol(self._m, flags, order, byref(pol))
        elif node is not None:
            ptr = lib.pmm_alloc_pages_node(self._m, node, flags, order)
        else:
            ptr = lib.pmm_alloc_pages(self._m, flags, order)
        return self._page(ptr, order, Page, f"order-{order} allocation ({gfp})")

    def alloc_folio(self, order=0, gfp="GFP_HIGHUSER_MOVABLE", lru=False):
        """folio_alloc(): a folio; lru=True puts it on the LRU lists (movable by
        compaction and offlining, aged by reclaim)."""
        self._alive()
        ptr = lib.pmm_folio_alloc(self._m, parse_gfp(gfp), order)
        folio = self._page(ptr, order, Folio, f"order-{order} folio ({gfp})")
        if lru:
            folio.add_lru()
        return folio

    def alloc_pages_bulk(self, count, gfp="GFP_KERNEL", node=None, nodes=None):
        """alloc_pages_bulk(): up to count order-0 pages in one call (fewer when
        memory is short; none raises AllocationError)."""
        self._alive()
        array = (c_void_p * count)()
        mask = _nodemask(nodes) if nodes is not None else None
        got = lib.pmm_alloc_pages_bulk(self._m, parse_gfp(gfp),
                                       -1 if node is None else node,
                                       byref(mask) if mask is not None else None, count, array)
        if not got and count:
            raise AllocationError(f"bulk allocation of {count} pages ({gfp}): no pages")
        return [self._page(array[i], 0, Page, "bulk") for i in range(count) if array[i]]

    def free_pages_bulk(self, pages):
        """free_unref_page_list(): free order-0 Pages in one call (the per-CPU
        list's lock taken once per run of one zone's pages)."""
        self._alive()
        pages = list(pages)
        for page in pages:
            if page.order:
                raise PmmError(_errno.EINVAL, f"{page!r}: free_pages_bulk frees order 0 only")
            page._release()
        array = (c_void_p * len(pages))(*[p._ptr for p in pages])
        for page in pages:
            page._ptr = None
        self._call_logged(lambda: lib.pmm_free_pages_bulk(self._m, len(pages), array),
                          "free_pages_bulk")

    @property
    def pages(self):
        """The Page objects still alive for allocations not yet freed."""
        return list(self._pages.values())

    def pfn_valid(self, pfn):
        self._alive()
        return bool(lib.pmm_abi_pfn_to_page(self._m, pfn))

    def drain(self):
        """drain_all_pages(): the per-CPU lists' pages back on the buddy lists."""
        self._alive()
        lib.pmm_drain_all_pages(self._m)

    def check(self):
        """Verify every allocator invariant; raises PmmError (EUCLEAN) with what broke."""
        self._alive()
        seq = self._log_seq
        return self._check(lib.pmm_check(self._m), "invariants", seq)

    # -- policies, CPUs, nodes --

    def set_mempolicy(self, policy):
        """set_mempolicy(2) for the calling thread: a Mempolicy, or None for the default."""
        self._alive()
        seq = self._log_seq
        pol = policy._c() if policy is not None else None
        self._check(lib.pmm_set_mempolicy(self._m, byref(pol) if pol is not None else None),
                    f"set_mempolicy {policy!r}", seq)

    def get_mempolicy(self):
        self._alive()
        pol = _lib.Mempolicy()
        lib.pmm_get_mempolicy(self._m, byref(pol))
        nodes = [n for n in range(_lib.MAX_NUMNODES) if pol.nodes.bits[n // 64] >> (n % 64) & 1]
        return Mempolicy(_MPOL[pol.mode], nodes, pol.home_node if pol.has_home_node else None)

    def set_mems_allowed(self, nodes):
        """The calling thread's cpuset.mems (None: every node)."""
        self._alive()
        mask = _nodemask(nodes) if nodes is not None else None
        _check(lib.pmm_set_mems_allowed(self._m, byref(mask) if mask is not None else None),
               f"cpuset.mems {nodes}")

    def move_pages(self, pages, nodes=None):
        """move_pages(2): move folios on the LRU lists to the nodes asked for (one per
        page; None: nothing moves). Returns each page's node afterwards, or a
        negative errno saying why it did not move (-EBUSY: not on the LRU lists)."""
        self._alive()
        pages = list(pages)
        array = (c_void_p * len(pages))(*[p._ptr for p in pages])
        status = (ctypes.c_int * len(pages))()
        targets = None
        if nodes is not None:
            nodes = list(nodes)
            if len(nodes) != len(pages):
                raise PmmError(_errno.EINVAL, f"move_pages: {len(pages)} pages, {len(nodes)} nodes")
            targets = (ctypes.c_int * len(nodes))(*nodes)
        seq = self._log_seq
        self._check(lib.pmm_move_pages(self._m, len(pages), array, targets, status),
                    "move_pages", seq)
        return list(status)

    def migrate_pages(self, from_nodes, to_nodes):
        """migrate_pages(2): every folio on the LRU lists of from_nodes to to_nodes;
        the number that could not move."""
        self._alive()
        seq = self._log_seq
        return self._check(lib.pmm_migrate_pages(self._m, byref(_nodemask(from_nodes)),
                                                 byref(_nodemask(to_nodes))),
                           f"migrate_pages {list(from_nodes)} -> {list(to_nodes)}", seq)

    def set_il_weight(self, node, weight):
        self._alive()
        _check(lib.pmm_set_il_weight(self._m, node, weight), f"node {node} weight {weight}")

    @property
    def nr_cpus(self):
        return lib.pmm_nr_cpus(self._m)

    @property
    def cpu(self):
        """The simulated CPU the calling thread runs on (settable)."""
        return lib.pmm_get_cpu(self._m)

    @cpu.setter
    def cpu(self, cpu):
        self._alive()
        _check(lib.pmm_set_cpu(self._m, cpu), f"CPU {cpu}")

    def cpu_to_node(self, cpu):
        return lib.pmm_cpu_to_node(self._m, cpu)

    def distance(self, a, b):
        """node_distance(a, b)."""
        self._alive()
        return _check(lib.pmm_node_distance(self._m, a, b), f"distance {a} -> {b}")

    @property
    def max_pfn(self):
        return lib.pmm_max_pfn(self._m)

    # -- memory under pressure --

    def compact(self, node=None):
        """Compact every zone (/proc/sys/vm/compact_memory), or one node's."""
        self._alive()
        seq = self._log_seq
        rc = (lib.pmm_compact_memory(self._m) if node is None
              else lib.pmm_compact_node(self._m, node))
        self._check(rc, "compaction", seq)

    def reclaim(self, node, nr_pages):
        """Reclaim up to nr_pages from a node's LRU lists; the pages freed."""
        self._alive()
        return lib.pmm_reclaim_node(self._m, node, nr_pages)

    def sysctl(self, name):
        """A vm sysctl's values (a list: most have one)."""
        self._alive()
        values = (c_long * 64)()
        n = _check(lib.pmm_sysctl_read(self._m, name.encode(), values, 64), f"sysctl {name}")
        return list(values[:n])

    def set_sysctl(self, name, *values):
        self._alive()
        seq = self._log_seq
        arr = (c_long * len(values))(*values)
        self._check(lib.pmm_sysctl_write(self._m, name.encode(), arr, len(values)),
                    f"sysctl {name}", seq)

    def clock(self):
        """Simulated nanoseconds since boot."""
        return lib.pmm_clock_now(self._m)

    def advance_clock(self, ns):
        """Let simulated time pass (timed work falls due); the new time."""
        self._alive()
        return lib.pmm_clock_advance(self._m, ns)

    # -- hotplug --

    @property
    def block_size(self):
        """memory_block_size_bytes() (0 under FLATMEM)."""
        return lib.pmm_memory_block_size(self._m)

    def add_memory(self, node, start, size):
        """add_memory(): hot-add RAM [start, start + size) to a node."""
        self._alive()
        start, size = parse_size(start), parse_size(size)
        seq = self._log_seq
        self._check(lib.pmm_add_memory(self._m, node, start, size),
                    f"add_memory {start:#x}+{size:#x} to node {node}", seq)

    def online_block(self, block, how="online"):
        """Online memoryN: how is "online", "online_kernel" or "online_movable"."""
        self._alive()
        if how not in _ONLINE or how == "offline":
            raise PmmError(_errno.EINVAL, f"online type {how!r}: not online, online_kernel or "
                           "online_movable")
        seq = self._log_seq
        self._check(lib.pmm_online_memory_block(self._m, block, _ONLINE[how]),
                    f"onlining memory{block}", seq)

    def offline_block(self, block):
        """Offline memoryN (its pages in use migrate away, if they can)."""
        self._alive()
        seq = self._log_seq
        self._check(lib.pmm_offline_memory_block(self._m, block), f"offlining memory{block}", seq)

    def remove_memory(self, start, size):
        """remove_memory(): take offline hot-added memory out."""
        self._alive()
        start, size = parse_size(start), parse_size(size)
        seq = self._log_seq
        self._check(lib.pmm_remove_memory(self._m, start, size),
                    f"remove_memory {start:#x}+{size:#x}", seq)

    # -- reports --

    def text(self, report):
        """A report as the kernel prints it: any of REPORTS, or "diagram"."""
        self._alive()
        m = self._m
        if report == "boot-log":
            return self.boot_log
        if report == "summary":
            return _lib.capture(lambda f: lib.pmm_dump_machine(m, f))[1]
        if report == "node-meminfo":
            nodes = self.node_states()["online"]
            return "".join(self._text(lambda f, n=n: lib.pmm_print_node_meminfo(m, n, f), report)
                           for n in nodes)
        writers = {
            "zoneinfo": lib.pmm_print_zoneinfo, "node-states": lib.pmm_print_node_states,
            "memory-blocks": lib.pmm_print_memory_blocks, "diagram": lib.pmm_print_diagram,
            "buddyinfo": lib.pmm_print_buddyinfo, "pagetypeinfo": lib.pmm_print_pagetypeinfo,
            "vmstat": lib.pmm_print_vmstat, "meminfo": lib.pmm_print_meminfo,
            "memory-tiers": lib.pmm_print_memory_tiers,
            "extfrag": lambda m, f: lib.pmm_print_extfrag(m, f, 0),
            "unusable": lambda m, f: lib.pmm_print_extfrag(m, f, 1),
        }
        if report not in writers:
            raise PmmError(_errno.EINVAL, f"report {report!r}: not one of "
                           f"{', '.join(REPORTS + _TEXT_ONLY)}")
        return self._text(lambda f: writers[report](m, f), report)

    def _text(self, write, what):
        seq = self._log_seq
        rc, text = _lib.capture(write)
        self._check(rc, what, seq)
        return text

    def report(self, report):
        """A report as Python objects: the "data" of its JSON form (docs/json.md)."""
        self._alive()
        if report not in REPORTS:
            raise PmmError(_errno.EINVAL, f"report {report!r}: not one of {', '.join(REPORTS)}"
                           + (" (the diagram is text only)" if report in _TEXT_ONLY else ""))
        text = self._text(lambda f: lib.pmm_print_report_json(self._m, report.encode(), f), report)
        return json.loads(text)["data"]

    def zones(self):
        """/proc/zoneinfo: a dict per zone (node, zone, start_pfn, spanned,
        present, managed, free, min, low, high, stats, ...)."""
        return self.report("zoneinfo")["zones"]

    def buddyinfo(self):
        """/proc/buddyinfo: {(node, zone): [free blocks of order 0, 1, ...]}."""
        return {(z["node"], z["zone"]): z["free_blocks"] for z in self.report("buddyinfo")["zones"]}

    def pagetypeinfo(self):
        """/proc/pagetypeinfo: {"pageblock_order", "free": {(node, zone, type): [per order]},
        "blocks": {(node, zone): {type: pageblocks}}}."""
        data = self.report("pagetypeinfo")
        return {"pageblock_order": data["pageblock_order"],
                "free": {(f["node"], f["zone"], f["type"]): f["free_blocks"] for f in data["free"]},
                "blocks": {(b["node"], b["zone"]): b["pageblocks"] for b in data["blocks"]}}

    def unusable_index(self):
        """debugfs extfrag/unusable_index: {(node, zone): [index per order]}."""
        return {(z["node"], z["zone"]): z["unusable_index"]
                for z in self.report("unusable")["zones"]}

    def extfrag_index(self):
        """debugfs extfrag/extfrag_index: {(node, zone): [index per order, -1 undefined]}."""
        return {(z["node"], z["zone"]): z["extfrag_index"]
                for z in self.report("extfrag")["zones"]}

    def vmstat(self):
        """/proc/vmstat: {name: value}."""
        return self.report("vmstat")["vmstat"]

    def meminfo(self):
        """/proc/meminfo: {name: kB} (HugePages_* are counts)."""
        return self.report("meminfo")["meminfo_kb"]

    def node_meminfo(self):
        """/sys/devices/system/node/nodeN/meminfo: {node: {name: kB}}."""
        return {int(n): v for n, v in self.report("node-meminfo")["nodes_kb"].items()}

    def node_states(self):
        """node_states: {state: [nodes]} ("online", "has_memory", "has_cpu", ...)."""
        return {k: _nodelist(v) for k, v in self.report("node-states")["node_states"].items()}

    def memory_blocks(self):
        """/sys/devices/system/memory: a dict per block (id, start, state, node, valid_zones)."""
        return self.report("memory-blocks")["blocks"]

    def memory_tiers(self):
        return self.report("memory-tiers")["nodes"]

    def summary(self):
        """Memory model, page size, orders, nodes and their zones."""
        return self.report("summary")

    def map_svg(self, path=None):
        """The physical address space drawn as SVG (`pmm map`, docs/map.md): the
        document's text; written to path too when one is given."""
        svg = self._text(lambda f: lib.pmm_print_map_svg(self._m, f), "map")
        if path is not None:
            with open(path, "w") as out:
                out.write(svg)
        return svg

    def export(self, directory):
        """Write the sysfs and procfs files real tools read (docs/export.md)."""
        self._alive()
        seq = self._log_seq
        self._check(lib.pmm_export(self._m, os.fsencode(directory)), f"export to {directory}",
                    seq)

    # -- replay --

    def replay(self, trace, csv=None, interval=0, lru=False, keep=True):
        """Replay a kernel page allocator trace file (plain or gzip) into this
        machine; returns the replay's statistics. keep: the traced pages still
        allocated at the end stay allocated (False: freed)."""
        with Replay(self, csv=csv, interval=interval, lru=lru) as r:
            r.file(trace)
            r.keep_pages = keep
            return r.stats()

    def __repr__(self):
        if not self._m:
            return "<pmm.Machine shut down>"
        s = self.summary()
        return (f"<pmm.Machine {s['arch']} {s['memory_model']} {len(s['nodes'])} nodes "
                f"max_pfn {s['max_pfn']:#x}>")


class Replay:
    """A replay of kernel page allocator events into a machine (pmm_replay_*):
    line() or file() feed it, stats() says what it did, close() ends it.
    csv: a path for the CSV rows (every interval events, docs/replay.md);
    lru: movable allocations go on the LRU lists, so that compaction can
    move them (needs inline_daemons, the Python default)."""

    def __init__(self, machine, csv=None, interval=0, lru=False, show_unknown=5):
        machine._alive()
        self.machine, self._r, self._csv, self.keep_pages = machine, None, None, False
        self._msg_buf, self._msg_size = c_void_p(), ctypes.c_size_t()
        self._msg = _lib.libc.open_memstream(byref(self._msg_buf), byref(self._msg_size))
        if csv is not None:
            self._csv = _lib.libc.fopen(os.fsencode(csv), b"w")
            if not self._csv:
                err = ctypes.get_errno()
                self._close_streams()
                raise PmmError(err, f"{csv}: {os.strerror(err)}")
        opts = _lib.ReplayOpts(csv=self._csv, interval=interval, log=self._msg,
                               show_unknown=show_unknown, lru=lru)
        self._r = lib.pmm_replay_create(machine._m, byref(opts))
        if not self._r:
            self._close_streams()
            raise PmmError(ctypes.get_errno() or _errno.ENOMEM, "replay: cannot start")
        machine._replays.add(self)
        self.messages = ""

    def line(self, text):
        """One line of a trace."""
        self._alive()
        _check(lib.pmm_replay_line(self._r, text.encode()), "replay")

    def file(self, path):
        """Every line of a trace file (gzip or plain)."""
        self._alive()
        _check(lib.pmm_replay_file(self._r, os.fsencode(path)), f"replay {path}")

    def stats(self):
        """What was read and replayed: a dict of struct pmm_replay_stats."""
        self._alive()
        st = _lib.ReplayStats()
        lib.pmm_replay_get_stats(self._r, byref(st))
        out = {name: getattr(st, name) for name, _ in st._fields_}
        out["alloc_failed"] = list(st.alloc_failed)
        return out

    def text(self):
        """The statistics as `pmm replay` prints them."""
        self._alive()
        return _lib.capture(lambda f: lib.pmm_replay_print_stats(self._r, f))[1]

    def _alive(self):
        if not self._r:
            raise PmmError(_errno.EINVAL, "the replay was closed")
        self.machine._alive()

    def _close_streams(self):
        if self._csv:
            _lib.libc.fclose(self._csv)
            self._csv = None
        if self._msg:
            _lib.libc.fclose(self._msg)
            self._msg = None
            self.messages = ctypes.string_at(self._msg_buf, self._msg_size.value).decode(
                "utf-8", "replace") if self._msg_buf else ""
            _lib.libc.free(self._msg_buf)
            self._msg_buf = c_void_p()

    def close(self, free_pages=None):
        """End the replay; the traced pages it holds are freed unless
        keep_pages (or free_pages=False). Lines it could not read are in .messages."""
        if self._r:
            lib.pmm_replay_destroy(self._r, not self.keep_pages if free_pages is None
                                   else free_pages)
            self._r = None
        self._close_streams()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_r", None) and self.machine._m:
            self.close()

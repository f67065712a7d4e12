# SPDX-License-Identifier: MIT
"""The C library, loaded with ctypes: where it is found, the signatures of
the functions the package calls, and the structures it mirrors, each
checked against the layout the loaded library reports (include/pmm/abi.h),
so that a mismatched libpmm.so fails at import instead of corrupting memory.
"""
import ctypes
import ctypes.util
import os
from ctypes import (CFUNCTYPE, POINTER, Structure, byref, c_bool, c_char_p, c_double, c_int,
                    c_long, c_size_t, c_uint, c_ulong, c_ulonglong, c_void_p)
from pathlib import Path


def _find_library():
    """PMM_LIBRARY, then the build tree beside this package, then the system's."""
    env = os.environ.get("PMM_LIBRARY")
    if env:
        return env
    tree = Path(__file__).resolve().parent.parent.parent
    for build in ("build", "build-asan"):
        cand = tree / build / "libpmm.so"
        if cand.exists():
            return str(cand)
    name = ctypes.util.find_library("pmm")
    if name:
        return name
    raise ImportError("pmm: libpmm.so not found: build it (sh scripts/test.sh, or cmake -S . "
                      "-B build && cmake --build build), install it, or set PMM_LIBRARY to its path")


lib = ctypes.CDLL(_find_library())
libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)

libc.open_memstream.argtypes = [POINTER(c_void_p), POINTER(c_size_t)]
libc.open_memstream.restype = c_void_p
libc.fclose.argtypes = [c_void_p]
libc.fclose.restype = c_int
libc.fopen.argtypes = [c_char_p, c_char_p]
libc.fopen.restype = c_void_p
libc.free.argtypes = [c_void_p]
libc.free.restype = None

# ---- constants and layouts, from the library itself ----------------------------------------------

lib.pmm_abi_constant.argtypes = [c_char_p, POINTER(c_long)]
lib.pmm_abi_constant.restype = c_int
lib.pmm_abi_sizeof.argtypes = [c_char_p]
lib.pmm_abi_sizeof.restype = c_size_t
lib.pmm_abi_offsetof.argtypes = [c_char_p, c_char_p]
lib.pmm_abi_offsetof.restype = c_size_t


def constant(name):
    value = c_long()
    if lib.pmm_abi_constant(name.encode(), byref(value)):
        raise ImportError(f"pmm: the library does not know the constant {name}")
    return value.value


MAX_NUMNODES = constant("PMM_MAX_NUMNODES")
NR_PAGE_ORDERS = constant("PMM_NR_PAGE_ORDERS")
MAX_NR_ZONES = constant("PMM_MAX_NR_ZONES")

LOG_FN = CFUNCTYPE(None, c_void_p, c_int, c_char_p)
BAD_PAGE_FN = CFUNCTYPE(None, c_void_p, c_void_p, c_ulong, c_char_p)
MIGRATE_FN = CFUNCTYPE(c_int, c_void_p, c_void_p, c_void_p, c_uint)
OOM_FN = CFUNCTYPE(c_int, c_void_p, c_uint, c_uint, c_int)
RECLAIM_FN = CFUNCTYPE(c_int, c_void_p, c_void_p, c_int, c_ulong)
PROGRESS_FN = CFUNCTYPE(None, c_void_p, c_char_p, c_ulonglong, c_ulonglong)


class Nodemask(Structure):
    _fields_ = [("bits", c_ulong * ((MAX_NUMNODES + 63) // 64))]


class BootOpts(Structure):
    _fields_ = [("flags", c_uint), ("phys_limit", c_ulonglong),
                ("log", LOG_FN), ("log_arg", c_void_p),
                ("on_bad_page", BAD_PAGE_FN), ("on_bad_page_arg", c_void_p),
                ("migrate_page", MIGRATE_FN), ("migrate_page_arg", c_void_p),
                ("on_oom", OOM_FN), ("on_oom_arg", c_void_p),
                ("reclaim_folio", RECLAIM_FN), ("reclaim_folio_arg", c_void_p),
                ("defer", c_int), ("memmap_limit", c_size_t),
                ("progress", PROGRESS_FN), ("progress_arg", c_void_p)]


class ReplayOpts(Structure):
    _fields_ = [("csv", c_void_p), ("interval", c_ulong), ("log", c_void_p),
                ("show_unknown", c_uint), ("lru", c_bool)]


_STAT_FIELDS = ["lines", "events", "allocs", "alloc_pages", "alloc_failed", "kernel_alloc_failed",
                "frees", "free_pages", "frees_untracked", "frees_batched", "order_mismatch",
                "realloc_live", "kernel_zone_locked", "kernel_pcpu_drain", "kernel_fallbacks",
                "kernel_fragmenting", "fallbacks", "fragmenting", "nofail_demoted",
                "other_events", "unknown", "held", "held_pages"]


class ReplayStats(Structure):
    _fields_ = [(f, c_ulong * NR_PAGE_ORDERS if f == "alloc_failed" else c_ulong)
                for f in _STAT_FIELDS] + [("first_ts", c_double), ("last_ts", c_double)]


class Mempolicy(Structure):
    _fields_ = [("mode", c_int), ("nodes", Nodemask), ("home_node", c_int),
                ("has_home_node", c_int)]


class MemoryBlockInfo(Structure):
    _fields_ = [("id", c_ulong), ("start", c_ulonglong), ("state", c_int), ("nid", c_int),
                ("zone", c_int), ("valid_zones", c_uint), ("early", c_int)]


def _check_layout(cls, cname):
    size = lib.pmm_abi_sizeof(cname.encode())
    if size != ctypes.sizeof(cls):
        raise ImportError(f"pmm: struct {cname} is {size} bytes in {lib._name}, "
                          f"{ctypes.sizeof(cls)} in this package: rebuild one of them")
    for name, _ in cls._fields_:
        off = lib.pmm_abi_offsetof(cname.encode(), name.encode())
        if off != getattr(cls, name).offset:
            raise ImportError(f"pmm: {cname}.{name} is at {off} in {lib._name}, at "
                              f"{getattr(cls, name).offset} in this package")


for _cls, _cname in ((Nodemask, "pmm_nodemask_t"), (BootOpts, "pmm_boot_opts"),
                     (ReplayOpts, "pmm_replay_opts"), (ReplayStats, "pmm_replay_stats"),
                     (Mempolicy, "pmm_mempolicy"), (MemoryBlockInfo, "pmm_memory_block_info")):
    _check_layout(_cls, _cname)

# ---- signatures ----------------------------------------------------------------------------------

_vp, _cp, _ul = c_void_p, c_char_p, c_ulong


def _sig(name, restype, *argtypes):
    fn = getattr(lib, name)
    fn.restype = restype
    fn.argtypes = list(argtypes)


for _name, _res, _args in [
    ("pmm_version", _cp, []),
    ("pmm_machine_desc_create", c_int, [_cp, POINTER(_vp)]),
    ("pmm_machine_desc_destroy", None, [_vp]),
    ("pmm_machine_desc_error", _cp, [_vp]),
    ("pmm_machine_desc_add_node", c_int, [_vp, c_int, _cp]),
    ("pmm_machine_desc_set_distance", c_int, [_vp, c_int, c_int, c_int]),
    ("pmm_machine_desc_add_memory", c_int, [_vp, c_ulonglong, c_ulonglong, c_int, c_uint]),
    ("pmm_machine_desc_add_reserved", c_int, [_vp, c_ulonglong, c_ulonglong]),
    ("pmm_machine_desc_set_cmdline", c_int, [_vp, _cp]),
    ("pmm_machine_desc_append_cmdline", c_int, [_vp, _cp]),
    ("pmm_machine_desc_set_kernel", c_int, [_vp, _cp]),
    ("pmm_machine_desc_set_sysctl", c_int, [_vp, _cp, POINTER(c_long), c_uint]),
    ("pmm_machine_desc_add_hotplug", c_int, [_vp, c_ulonglong, c_ulonglong, c_int]),
    ("pmm_machine_desc_set_swap", c_int, [_vp, c_ulonglong]),
    ("pmm_machine_desc_write_json", c_int, [_vp, _vp]),
    ("pmm_machine_desc_from_json", c_int, [_cp, POINTER(_vp), _cp, c_size_t]),
    ("pmm_machine_desc_from_json_buffer", c_int, [_cp, c_size_t, _cp, POINTER(_vp), _cp,
                                                  c_size_t]),
    ("pmm_machine_desc_from_dmesg_arch", c_int, [_cp, _cp, POINTER(_vp), _cp, c_size_t]),
    ("pmm_machine_from_hwloc_xml", c_int, [_cp, c_ulonglong, _cp, POINTER(_vp), _cp,
                                           c_size_t]),
    ("pmm_machine_from_hwloc_synthetic", c_int, [_cp, c_ulonglong, _cp, POINTER(_vp), _cp,
                                                 c_size_t]),
    ("pmm_machine_from_host", c_int, [POINTER(_vp)]),
    ("pmm_boot", c_int, [_vp, POINTER(BootOpts), POINTER(_vp)]),
    ("pmm_shutdown", None, [_vp]),
    ("pmm_boot_log", _cp, [_vp]),
    ("pmm_max_pfn", _ul, [_vp]),
    ("pmm_dump_machine", None, [_vp, _vp]),
    ("pmm_gfp_parse", c_int, [_cp, POINTER(c_uint)]),
    ("pmm_alloc_pages", _vp, [_vp, c_uint, c_uint]),
    ("pmm_alloc_pages_node", _vp, [_vp, c_int, c_uint, c_uint]),
    ("pmm_alloc_pages_mpol", _vp, [_vp, c_uint, c_uint, POINTER(Mempolicy)]),
    ("pmm_alloc_pages_bulk", _ul, [_vp, c_uint, c_int, _vp, _ul, POINTER(_vp)]),
    ("pmm_free_pages", None, [_vp, _vp, c_uint]),
    ("pmm_free_pages_bulk", None, [_vp, _ul, POINTER(_vp)]),
    ("pmm_folio_alloc", _vp, [_vp, c_uint, c_uint]),
    ("pmm_folio_put", None, [_vp, _vp]),
    ("pmm_folio_add_lru", c_int, [_vp, _vp]),
    ("pmm_folio_isolate_lru", c_int, [_vp, _vp]),
    ("pmm_folio_putback_lru", None, [_vp, _vp]),
    ("pmm_check", c_int, [_vp]),
    ("pmm_drain_all_pages", None, [_vp]),
    ("pmm_set_mempolicy", c_int, [_vp, POINTER(Mempolicy)]),
    ("pmm_get_mempolicy", c_int, [_vp, POINTER(Mempolicy)]),
    ("pmm_set_il_weight", c_int, [_vp, c_int, c_uint]),
    ("pmm_set_mems_allowed", c_int, [_vp, POINTER(Nodemask)]),
    ("pmm_move_pages", c_int, [_vp, _ul, POINTER(_vp), POINTER(c_int), POINTER(c_int)]),
    ("pmm_migrate_pages", c_int, [_vp, POINTER(Nodemask), POINTER(Nodemask)]),
    ("pmm_memory_block_size", _ul, [_vp]),
    ("pmm_memory_block_count", _ul, [_vp]),
    ("pmm_memory_block_info", c_int, [_vp, _ul, POINTER(MemoryBlockInfo)]),
    ("pmm_add_memory", c_int, [_vp, c_int, c_ulonglong, c_ulonglong]),
    ("pmm_online_memory_block", c_int, [_vp, _ul, c_int]),
    ("pmm_offline_memory_block", c_int, [_vp, _ul]),
    ("pmm_remove_memory", c_int, [_vp, c_ulonglong, c_ulonglong]),
    ("pmm_compact_memory", c_int, [_vp]),
    ("pmm_compact_node", c_int, [_vp, c_int]),
    ("pmm_sysctl_write", c_int, [_vp, _cp, POINTER(c_long), c_uint]),
    ("pmm_sysctl_read", c_int, [_vp, _cp, POINTER(c_long), c_uint]),
    ("pmm_clock_now", c_ulonglong, [_vp]),
    ("pmm_clock_advance", c_ulonglong, [_vp, c_ulonglong]),
    ("pmm_nr_cpus", c_int, [_vp]),
    ("pmm_set_cpu", c_int, [_vp, c_int]),
    ("pmm_get_cpu", c_int, [_vp]),
    ("pmm_cpu_to_node", c_int, [_vp, c_int]),
    ("pmm_node_distance", c_int, [_vp, c_int, c_int]),
    ("pmm_reclaim_node", _ul, [_vp, c_int, _ul]),
    ("pmm_export", c_int, [_vp, _cp]),
    ("pmm_print_report_json", c_int, [_vp, _cp, _vp]),
    ("pmm_print_zoneinfo", c_int, [_vp, _vp]),
    ("pmm_print_node_states", c_int, [_vp, _vp]),
    ("pmm_print_memory_blocks", c_int, [_vp, _vp]),
    ("pmm_print_diagram", c_int, [_vp, _vp]),
    ("pmm_print_buddyinfo", c_int, [_vp, _vp]),
    ("pmm_print_pagetypeinfo", c_int, [_vp, _vp]),
    ("pmm_print_extfrag", c_int, [_vp, _vp, c_int]),
    ("pmm_print_vmstat", c_int, [_vp, _vp]),
    ("pmm_print_meminfo", c_int, [_vp, _vp]),
    ("pmm_print_node_meminfo", c_int, [_vp, c_int, _vp]),
    ("pmm_print_memory_tiers", c_int, [_vp, _vp]),
    ("pmm_print_map_svg", c_int, [_vp, _vp]),
    ("pmm_replay_create", _vp, [_vp, POINTER(ReplayOpts)]),
    ("pmm_replay_line", c_int, [_vp, _cp]),
    ("pmm_replay_file", c_int, [_vp, _cp]),
    ("pmm_replay_get_stats", None, [_vp, POINTER(ReplayStats)]),
    ("pmm_replay_print_stats", c_int, [_vp, _vp]),
    ("pmm_replay_migrate_page", c_int, [_vp, _vp, _vp, c_uint]),
    ("pmm_replay_destroy", None, [_vp, c_bool]),
    ("pmm_abi_pfn_to_page", _vp, [_vp, _ul]),
    ("pmm_abi_page_to_pfn", _ul, [_vp, _vp]),
    ("pmm_abi_page_nid", c_int, [_vp]),
    ("pmm_abi_page_zonenum", c_int, [_vp]),
    ("pmm_abi_page_ref_count", c_int, [_vp]),
    ("pmm_abi_page_address", _vp, [_vp, _vp]),
]:
    _sig(_name, _res, *_args)

ZONE_NAMES = [ctypes.cast(p, c_char_p).value.decode()
              for p in (c_void_p * MAX_NR_ZONES).in_dll(lib, "pmm_zone_names")]


def capture(write):
    """Run write(FILE *) into memory; return (its return value, the text written)."""
    buf, size = c_void_p(), c_size_t()
    f = libc.open_memstream(byref(buf), byref(size))
    if not f:
        raise OSError(ctypes.get_errno(), "open_memstream failed")
    try:
        rc = write(f)
    finally:
        libc.fclose(f)
        text = ctypes.string_at(buf, size.value).decode("utf-8", "replace") if buf else ""
        libc.free(buf)
    return rc, text

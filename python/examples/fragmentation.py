# SPDX-License-Identifier: MIT
"""Fragment a machine, compact it, and plot the unusable free space index per order.

A notebook in script form: run it whole (python3 fragmentation.py out.png),
or cell by cell (# %%) in an editor that knows cells. A 1 GiB x86-64 machine
is filled to 85% with user memory (movable order-0 folios on the LRU lists)
and, one allocation in ten, kernel objects (unmovable blocks of order 0-2);
then half of the user memory is freed at random, leaving holes everywhere;
then compaction moves the rest together; then all user memory goes. After
each step the unusable free space index of every order is recorded (0: all
free memory serves an allocation of that order; 1: none does), and the four
curves are drawn into a PNG. The run is the same for the same seed.
"""
# %% set-up
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the package beside it

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import pmm  # noqa: E402

out = Path(sys.argv[1] if len(sys.argv) > 1 else "unusable-index.png")
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
rng = random.Random(seed)

# %% a 1 GiB machine, described in Python
desc = pmm.Description("x86_64").add_node(0, "0-1").add_memory("1M", "1G", node=0)
m = desc.boot(bind=False)
zone = (0, "DMA32")
curves = {}


def record(label):
    m.drain()                    # the per-CPU lists' pages back on the buddy lists
    curves[label] = m.unusable_index()[zone]
    free = sum(z["free"] for z in m.zones())
    print(f"{label:28s} free {free * 4 >> 10:5d} MiB, order-9 unusable "
          f"{curves[label][9]:.3f}")


# %% fill to 85%: user memory and, one allocation in ten, kernel objects
user, kernel = [], []
target = int(sum(z["managed"] for z in m.zones()) * 0.85)
used = 0
while used < target:
    if rng.randrange(10):
        user.append(m.alloc_folio(0, gfp="GFP_HIGHUSER_MOVABLE", lru=True))
        used += 1
    else:
        order = rng.randrange(3)
        kernel.append(m.alloc_pages(order, gfp="GFP_KERNEL"))
        used += 1 << order
record("filled to 85%")

# %% half of the user memory freed at random: holes everywhere
rng.shuffle(user)
for folio in user[: len(user) // 2]:
    folio.put()
user = user[len(user) // 2:]
record("half the user memory freed")

# %% compaction moves the user memory together (the Folio objects follow it)
m.compact()
record("compacted")

# %% all user memory freed: what the kernel objects' placement leaves
for folio in user:
    folio.put()
record("user memory gone")
m.check()

# %% the plot
fig, ax = plt.subplots(figsize=(7, 4.2))
for label, index in curves.items():
    ax.plot(range(len(index)), index, marker="o", label=label)
ax.set_xlabel("allocation order (2^order pages of 4 KiB)")
ax.set_ylabel("unusable free space index")
ax.set_ylim(-0.02, 1.02)
ax.set_xticks(range(len(next(iter(curves.values())))))
ax.set_title(f"{zone[1]} of a 1 GiB x86-64 machine (pmm {pmm.version()}, seed {seed})")
ax.grid(alpha=0.3)
ax.legend(loc="center right")
fig.tight_layout()
fig.savefig(out, dpi=110)
print(f"wrote {out}")
m.shutdown()

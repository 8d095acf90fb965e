"""Offline search that produced the networks in this folder (see README.md).

    python records/make_records.py PART BUDGET_SECONDS OUT_FOLDER [SEED]

PART ``line`` searches the maxout architectures and the relu ones with n0 = 1; PART
``plane`` the relu ones with n0 = 2 or 3. Both go small first (``regionmath.search``);
``merge`` copies OUT_FOLDER's records into this folder, keeping the larger count;
``constructions`` replaces a record of OUT_FOLDER by a published construction where that
counts more.
"""

import json
import shutil
import sys
from pathlib import Path

from regionmath.records import (RECORDS_DIR, _search_order, build_records, read_index, record_name,
                                scope_architectures)


def main(part, budget, out, seed=0):
    archs = sorted(scope_architectures(), key=_search_order)
    if part == "line":
        archs = [a for a in archs if a.activation == "maxout" or a.n0 == 1]
        per_arch = lambda a: min(20.0, 2.0 + a.N * a.rank)  # noqa: E731
    elif part == "plane":
        archs = [a for a in archs if a.activation == "relu" and a.n0 > 1]
        per_arch = lambda a: min(30.0, 3.0 + 2.0 * a.N)  # noqa: E731
    elif part == "merge":
        return merge(Path(out))
    elif part == "constructions":
        return from_constructions(Path(out))
    else:
        raise SystemExit("PART must be line, plane, merge or constructions")
    # a later round (seed > 0, OUT_FOLDER holding the earlier records): architectures never
    # searched first, then the unsettled ones again with the new seed
    done = read_index(out)
    archs = [a for a in archs if record_name(a) not in done] + [a for a in archs if record_name(a) in done]
    build_records(archs, folder=out, budget=float(budget), per_arch=per_arch, seed=int(seed), small_first=False)


def from_constructions(folder):
    """Where a published construction counts more regions in R^n0 than the stored record
    (a record searched before the search counted every construction first), store it."""
    from regionmath.search import _construction_seeds, _make_network, count_in_rn0, exact_network
    index = read_index(folder)
    names = {record_name(a): a for a in scope_architectures()}
    for name, entry in sorted(index.items()):
        arch = names[name]
        for cid, params in _construction_seeds(arch):
            res = count_in_rn0(_make_network(arch, params), certify=False)
            if res.complete and res.count > int(entry["count"]):
                net, count, certified, bits = exact_network(arch, params, res.count)
                if certified and count > int(entry["count"]):
                    net.save(folder / entry["file"])
                    print(f"{arch}: {entry['count']} -> {count} from construction {cid}", flush=True)
                    entry.update(count=str(count), float_count=str(res.count), origin=f"construction:{cid}",
                                 bits=bits, settled=bool(entry["upper"]) and count >= int(entry["upper"]["value"]))
    (folder / "index.json").write_text(json.dumps(dict(sorted(index.items())), indent=1) + "\n")


def merge(src):
    index, new = read_index(RECORDS_DIR), read_index(src)
    for name, entry in new.items():
        old = index.get(name)
        if old is None or int(entry["count"]) > int(old["count"]):
            shutil.copy(src / entry["file"], RECORDS_DIR / entry["file"])
            index[name] = entry
    (RECORDS_DIR / "index.json").write_text(json.dumps(dict(sorted(index.items())), indent=1) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:])

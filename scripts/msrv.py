#!/usr/bin/env python3
"""Checks that Cargo.toml's `rust-version` is the minimum Rust version the locked dependencies
(dev-dependencies included) declare: the highest `rust-version` among the packages of
Cargo.lock, as `cargo metadata --locked` reports them.

    python3 scripts/msrv.py          # prints the packages that need the newest Rust; exit 1 on a mismatch

CI runs it (.ci/run): a dependency update that needs a newer Rust fails until README's quick
start and Cargo.toml say so.
"""
import json
import subprocess
import sys


def parse(v):
    return tuple(int(x) for x in v.split("."))


def main():
    meta = json.loads(subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--locked"],
        check=True, capture_output=True, text=True).stdout)
    ours = None
    needs = []
    for p in meta["packages"]:
        rv = p.get("rust_version")
        if p["id"] in meta["workspace_members"]:
            ours = rv
        elif rv:
            needs.append((parse(rv), p["name"], p["version"], rv))
    needs.sort(reverse=True)
    top = needs[0][0]
    print("the newest Rust the locked dependencies need: %s" % ".".join(map(str, top)))
    for v, name, version, rv in needs:
        if v != top:
            break
        print("  %s %s (rust-version %s)" % (name, version, rv))
    if ours is None or parse(ours)[:2] != top[:2]:
        print("Cargo.toml says rust-version = %r: set it to \"%s\" (and README's quick start)"
              % (ours, ".".join(map(str, top[:2]))), file=sys.stderr)
        return 1
    print("Cargo.toml's rust-version %s matches" % ours)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# A bounded load test of `atlas serve` on 127.0.0.1 (and nothing else): builds atlas in
# release, serves a copy of this repository's site, opens SSE live-reload connections, runs
# wrk against a few pages while a Markdown file is edited every second, samples the server's
# RSS, then stops everything and prints a summary.
#
#   scripts/load-test.sh                      # 100 SSE clients, wrk -t2 -c50 -d30s
#   SSE=20 DURATION=10 scripts/load-test.sh   # smaller
#   STALLED=2000 scripts/load-test.sh         # wrk alone, then wrk while 2,000 stalled
#                                             # connections are held open (no SSE, no edits)
#   ATLAS_BIN=target/debug/atlas ...          # use this binary instead of a release build
#
# Needs: cargo, wrk (Debian package `wrk`), python3, curl.
set -euo pipefail

STALLED=${STALLED:-0}
SSE=${SSE:-100}
DURATION=${DURATION:-30}
THREADS=${THREADS:-2}
CONNS=${CONNS:-50}
RSS_EVERY=${RSS_EVERY:-3}

repo=$(cd "$(dirname "$0")/.." && pwd)
for tool in wrk python3 curl cargo; do
    command -v "$tool" >/dev/null || { echo "error: $tool is not installed" >&2; exit 1; }
done

# Stalled connections need file descriptors on this side too: raise the soft limit.
ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true
if [ "$STALLED" -gt 0 ] && [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((STALLED + CONNS + 100)) ]; then
    echo "error: the open-file limit ($(ulimit -n)) is too low for $STALLED stalled connections; raise it (ulimit -n)" >&2
    exit 1
fi

echo "== uptime: $(uptime)"
echo "== ulimit -n: $(ulimit -n)"
if [ -n "${ATLAS_BIN:-}" ]; then
    atlas=$(cd "$(dirname "$ATLAS_BIN")" && pwd)/$(basename "$ATLAS_BIN")
    echo "== using $atlas"
else
    echo "== building atlas (release)"
    (cd "$repo" && cargo build --release --bin atlas --quiet)
    atlas="$repo/target/release/atlas"
fi

work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

site="$work/site"
mkdir -p "$site"
cp -rL "$repo/content" "$repo/data" "$repo/themes" "$repo/atlas.toml" "$site/"

"$atlas" serve --bind 127.0.0.1 --port 0 --root "$site" >"$work/serve.log" 2>&1 &
server=$!
pids+=("$server")
for _ in $(seq 600); do
    grep -q '^Serving ' "$work/serve.log" && break
    kill -0 "$server" 2>/dev/null || { cat "$work/serve.log"; exit 1; }
    sleep 0.1
done
url=$(sed -n 's/^Serving .* at \(http:\/\/127\.0\.0\.1:[0-9]*\/.*\)$/\1/p' "$work/serve.log" | head -1)
[ -n "$url" ] || { echo "error: the server did not start on 127.0.0.1" >&2; cat "$work/serve.log"; exit 1; }
origin=$(printf '%s\n' "$url" | sed -E 's#^(http://[^/]+).*#\1#')
base=${url#"$origin"}
echo "== serving at $url (pid $server)"

# Pages for wrk: the home pages, a list, a page, the compare table and the stylesheet.
paths=("${base}zh/" "${base}en/" "${base}en/regions/" "${base}en/drugs/ryoncil/" "${base}zh/compare/" "${base}style.css")
for p in "${paths[@]}"; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$origin$p")
    [ "$code" = 200 ] || { echo "error: GET $p gave $code" >&2; exit 1; }
done

lua="$work/paths.lua"
{
    echo 'local paths = {'
    for p in "${paths[@]}"; do printf '  "%s",\n' "$p"; done
    echo '}'
    echo 'local i = 0'
    echo 'request = function() i = i % #paths + 1; return wrk.format("GET", paths[i]) end'
} >"$lua"
hostport=${origin#http://}

# The server's open sockets, RSS and the load average.
server_state() {
    local socks
    socks=$(find "/proc/$server/fd" -lname 'socket:*' 2>/dev/null | wc -l)
    echo "sockets $socks, RSS $(awk '/^VmRSS/ {print $2 " " $3}' "/proc/$server/status")," \
        "CPU $(awk -v t="$(getconf CLK_TCK)" '{sub(/^.*\) /, ""); printf "%.1f s", ($12 + $13) / t}' "/proc/$server/stat")," \
        "load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

# One line from a wrk --latency output.
summary() {
    echo "   $(grep -o '[0-9]* requests in [0-9.]*s' "$1"), $(grep 'Requests/sec' "$1" | tr -s ' ')," \
        "latency p50 $(awk '$1 == "50%" {print $2}' "$1"), p90 $(awk '$1 == "90%" {print $2}' "$1")," \
        "p99 $(awk '$1 == "99%" {print $2}' "$1"), max $(awk '$1 == "Latency" {print $4}' "$1")," \
        "non-2xx/3xx $(sed -n 's/.*Non-2xx or 3xx responses: *//p' "$1" | grep . || echo 0)," \
        "socket errors: $(sed -n 's/.*Socket errors: *//p' "$1" | grep . || echo none)"
}

if [ "$STALLED" -gt 0 ]; then
    # Stalled connections: half send nothing, half send half a request head; each one the
    # server closes is opened again at once, so that $STALLED are held open all the time.
    cat >"$work/stalled.py" <<'EOF'
import os, resource, selectors, socket, sys, time
host, port, path, n, status = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if soft != resource.RLIM_INFINITY and soft < n + 64:
    want = n + 64 if hard == resource.RLIM_INFINITY else min(hard, n + 64)
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
sel = selectors.DefaultSelector()
half = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nX-Par".encode()
opened = closed = errors = answered = 0
def open_one(i):
    global opened, errors
    try:
        s = socket.create_connection((host, port), timeout=10)
        if i % 2:
            s.sendall(half)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, i)
        opened += 1
    except OSError:
        errors += 1
for i in range(n):
    open_one(i)
last = 0
while True:
    for key, _ in sel.select(timeout=0.2):
        s, i = key.fileobj, key.data
        try:
            data = s.recv(4096)
        except OSError:
            data = b""
        if data:
            answered += 1
            continue
        sel.unregister(s)
        s.close()
        closed += 1
        open_one(i)
    if time.time() - last >= 0.5:
        last = time.time()
        with open(status + ".tmp", "w") as f:
            ru = resource.getrusage(resource.RUSAGE_SELF)
            f.write(f"open {len(sel.get_map())}, opened {opened}, closed by the server {closed}, answered {answered}, connect errors {errors}, holder CPU {ru.ru_utime + ru.ru_stime:.1f} s\n")
        os.replace(status + ".tmp", status)
EOF
    echo "== wrk -t$THREADS -c$CONNS -d${DURATION}s --latency over ${#paths[@]} URLs, no stalled connections"
    echo "   server: $(server_state)"
    wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s "$lua" "$origin" >"$work/wrk-base.out"
    summary "$work/wrk-base.out"
    echo "   server: $(server_state)"
    python3 "$work/stalled.py" "${hostport%:*}" "${hostport#*:}" "${base}en/" "$STALLED" "$work/stalled.status" &
    pids+=("$!")
    holder=$!
    for _ in $(seq 600); do
        grep -q "^open $STALLED," "$work/stalled.status" 2>/dev/null && break
        sleep 0.1
    done
    echo "== holding: $(cat "$work/stalled.status" 2>/dev/null)"
    echo "   server: $(server_state)"
    echo "== wrk -t$THREADS -c$CONNS -d${DURATION}s --latency over ${#paths[@]} URLs, $STALLED stalled connections held open"
    wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s "$lua" "$origin" >"$work/wrk-stalled.out"
    summary "$work/wrk-stalled.out"
    echo "   server: $(server_state)"
    echo "== held: $(cat "$work/stalled.status")"
    kill "$holder" 2>/dev/null || true
    wait "$holder" 2>/dev/null || true
    code=$(curl -s -o /dev/null -w '%{http_code}' "$origin${base}en/")
    echo "== after the stalled connections: GET ${base}en/ gave $code"
    kill -0 "$server" || { echo "error: the server died" >&2; exit 1; }
    echo "== server still up; stopping it"
    exit 0
fi

# SSE clients: one thread per connection, counting `build` messages (not the first `hello`).
cat >"$work/sse.py" <<'EOF'
import json, socket, sys, threading, time
host, port, path, n, secs = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
counts = [0] * n
hello = [False] * n
errors = []
def client(i):
    try:
        s = socket.create_connection((host, port), timeout=10)
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n".encode())
        s.settimeout(1)
        buf = b""
        end = time.time() + secs
        while time.time() < end:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                errors.append(f"client {i}: closed by the server")
                return
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for line in lines:
                if line.startswith(b"data: "):
                    t = json.loads(line[6:]).get("type")
                    if t == "hello":
                        hello[i] = True
                    elif t == "build":
                        counts[i] += 1
        s.close()
    except Exception as e:
        errors.append(f"client {i}: {e}")
ts = [threading.Thread(target=client, args=(i,)) for i in range(n)]
for t in ts: t.start()
for t in ts: t.join()
c = sorted(counts)
print(f"SSE connections: {n}, got hello: {sum(hello)}, errors: {len(errors)}")
print(f"build messages per connection: min {c[0]}, median {c[n // 2]}, max {c[-1]}")
for e in errors[:5]: print("  ", e)
EOF
sse_secs=$((DURATION + 6))
python3 "$work/sse.py" "${hostport%:*}" "${hostport#*:}" "${base}__atlas/events" "$SSE" "$sse_secs" >"$work/sse.out" 2>&1 &
pids+=("$!")
sse=$!
sleep 2

# RSS every few seconds until stopped.
(
    while kill -0 "$server" 2>/dev/null; do
        printf '%s %s\n' "$(date +%s)" "$(awk '/^VmRSS/ {print $2 " " $3}' "/proc/$server/status" 2>/dev/null)"
        sleep "$RSS_EVERY"
    done
) >"$work/rss.log" &
pids+=("$!")
rss=$!

# Edit a Markdown file every second (saved like an editor: write beside it, rename over it).
page="$site/content/drugs/ryoncil.en.md"
tmp="$site/content/drugs/.ryoncil.en.md.load-test.tmp"
cp "$page" "$work/page.orig"
(
    i=0
    while :; do
        i=$((i + 1))
        { cat "$work/page.orig"; printf '\nLoad-test edit %d.\n' "$i"; } >"$tmp"
        mv "$tmp" "$page"
        echo "$i" >"$work/edits"
        sleep 1
    done
) &
pids+=("$!")
editor=$!

echo "== wrk -t$THREADS -c$CONNS -d${DURATION}s --latency over ${#paths[@]} URLs, $SSE SSE clients, one edit a second"
wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s "$lua" "$origin" | tee "$work/wrk.out"

kill "$editor" 2>/dev/null || true
wait "$editor" 2>/dev/null || true
edits=$(cat "$work/edits" 2>/dev/null || echo 0)
wait "$sse" || true
sleep "$RSS_EVERY"
kill "$rss" 2>/dev/null || true
wait "$rss" 2>/dev/null || true

echo "== wrk: $(grep -o '[0-9]* requests in [0-9.]*s' "$work/wrk.out"), $(grep 'Requests/sec' "$work/wrk.out" | tr -s ' ')"
echo "   non-2xx/3xx responses: $(sed -n 's/.*Non-2xx or 3xx responses: *//p' "$work/wrk.out" | grep . || echo 0)"
echo "   socket errors: $(sed -n 's/.*Socket errors: *//p' "$work/wrk.out" | grep . || echo none)"
echo "== edits saved: $edits"
echo "== rebuilds logged by the server: $(grep -c ' Rebuilt ' "$work/serve.log" || true)," \
    "failed: $(grep -c 'Build failed' "$work/serve.log" || true)"
grep -o 'Rebuilt [0-9]* of [0-9]* outputs in [0-9]* ms' "$work/serve.log" |
    awk '{print $7}' | sort -n |
    awk '{a[NR] = $1} END {if (NR) printf "   rebuild time: min %d ms, median %d ms, max %d ms\n", a[1], a[int((NR + 1) / 2)], a[NR]}'
echo "== live reload"
cat "$work/sse.out"
echo "== server RSS (every ${RSS_EVERY}s; seconds since the first sample, kB)"
awk 'NR == 1 {t0 = $1} $2 != "" {printf "  t+%3ds %s %s\n", $1 - t0, $2, $3}' "$work/rss.log"
status=$(curl -s "$origin${base}__atlas/status")
echo "== /__atlas/status after the run: $status"
kill -0 "$server" || { echo "error: the server died" >&2; exit 1; }
echo "== server still up; stopping it"

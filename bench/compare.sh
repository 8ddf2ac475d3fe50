#!/usr/bin/env bash
# pagecount against hyper, side by side, from a fresh clone (needs wrk,
# python3 and curl): builds both, starts both on free ports, runs
# bench/load.sh in ROUNDS rounds that alternate which server goes first,
# prints every run and then each round's pagecount/hyper ratios.
#
#   bench/compare.sh [ROUNDS]        default 5
#
# Env: DUR (seconds per wrk run, default 5), CONNS (default "1 64 512"),
#      CLOSE (default 1: also a new connection per request),
#      PAGE (default /count_view/), COOKIE (default count=41),
#      PAGECOUNT_ARGS (extra options, e.g. "--quiet" or "--threads 1").
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
. bench/common.sh
need wrk python3 curl
export CLOSE=${CLOSE:-1}
page=${PAGE:-/count_view/}

cargo build --release --quiet
cargo build --release --quiet --manifest-path bench/hyper_peer/Cargo.toml

ours=$(free_port)
theirs=$(free_port)
# shellcheck disable=SC2086 # PAGECOUNT_ARGS is a list of options
target/release/pagecount --bind "127.0.0.1:$ours" ${PAGECOUNT_ARGS:-} >/dev/null &
pagecount_pid=$!
bench/hyper_peer/target/release/hyper_peer "127.0.0.1:$theirs" >/dev/null &
hyper_pid=$!
trap 'kill "$pagecount_pid" "$hyper_pid" 2>/dev/null || true' EXIT
for port in "$ours" "$theirs"; do wait_for "http://127.0.0.1:$port$page"; done

pagecount="pagecount=http://127.0.0.1:$ours$page"
hyper="hyper=http://127.0.0.1:$theirs$page"
results=$(mktemp)
for round in $(seq "$rounds"); do
    echo "== round $round"
    if [ $((round % 2)) = 1 ]; then order=("$pagecount" "$hyper"); else order=("$hyper" "$pagecount"); fi
    bench/load.sh "${order[@]}" | tee -a "$results"
done

echo
echo "pagecount / hyper, req/s per round (and p99 in ms, pagecount against hyper)"
awk '
    $1 == "pagecount" || $1 == "hyper" {
        key = $2 " " $3; n[$1, key]++
        rate[$1, key, n[$1, key]] = $4; p99[$1, key, n[$1, key]] = $6
        if (!(key in seen)) { seen[key] = 1; keys[++k] = key }
    }
    END {
        for (i = 1; i <= k; i++) {
            key = keys[i]; line = sprintf("%-14s", key)
            for (r = 1; r <= n["pagecount", key]; r++)
                line = line sprintf("  %.2f (%s/%s)", rate["pagecount", key, r] / rate["hyper", key, r],
                                    p99["pagecount", key, r], p99["hyper", key, r])
            print line
        }
    }' "$results"
rm -f "$results"

#!/usr/bin/env bash
# How fast could any server be here? Four servers side by side, in ROUNDS
# rounds that alternate their order:
#   pagecount       its page (PAGE, default /count_view/)
#   hyper           the peer, its bare counter page
#   hyper-same      the peer padded to pagecount's page length
#   zero-work       bench/zero_work: no parsing, no page, the same length;
#                   what this machine and wrk allow for that many bytes
# and prints each round's req/s as a ratio to hyper's.
#
#   bench/ceiling.sh [ROUNDS]        default 5
#
# Env: DUR (default 5), CONNS (default "64 512"), PAGE, COOKIE.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
. bench/common.sh
need wrk python3 curl
export CONNS=${CONNS:-"64 512"} CLOSE=0
page=${PAGE:-/count_view/}

cargo build --release --quiet
cargo build --release --quiet --manifest-path bench/hyper_peer/Cargo.toml
cargo build --release --quiet --manifest-path bench/zero_work/Cargo.toml

ports=($(free_port) $(free_port) $(free_port) $(free_port))
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
target/release/pagecount --bind "127.0.0.1:${ports[0]}" >/dev/null 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:${ports[0]}$page"
# The length of pagecount's page as wrk will get it (same cookie).
length=$(curl -s -H "Cookie: ${COOKIE:-count=41}" "http://127.0.0.1:${ports[0]}$page" | wc -c)
bench/hyper_peer/target/release/hyper_peer "127.0.0.1:${ports[1]}" >/dev/null &
pids+=($!)
bench/hyper_peer/target/release/hyper_peer "127.0.0.1:${ports[2]}" "$length" >/dev/null &
pids+=($!)
bench/zero_work/target/release/zero_work "127.0.0.1:${ports[3]}" "$length" >/dev/null &
pids+=($!)
for port in "${ports[@]:1}"; do wait_for "http://127.0.0.1:$port$page"; done
echo "pagecount's page: $length bytes"

servers=("pagecount=http://127.0.0.1:${ports[0]}$page" "hyper=http://127.0.0.1:${ports[1]}$page"
         "hyper-same=http://127.0.0.1:${ports[2]}$page" "zero-work=http://127.0.0.1:${ports[3]}$page")
results=$(mktemp)
for round in $(seq "$rounds"); do
    echo "== round $round"
    order=("${servers[@]}")
    if [ $((round % 2)) = 0 ]; then order=("${servers[3]}" "${servers[2]}" "${servers[1]}" "${servers[0]}"); fi
    bench/load.sh "${order[@]}" | tee -a "$results"
done

echo
echo "req/s as a ratio to hyper's in the same round"
awk '
    $1 == "pagecount" || $1 == "hyper" || $1 == "hyper-same" || $1 == "zero-work" {
        key = $2 " " $3; n[$1, key]++; rate[$1, key, n[$1, key]] = $4
        if (!(key in seen)) { seen[key] = 1; keys[++k] = key }
    }
    END {
        split("pagecount hyper-same zero-work", names, " ")
        for (i = 1; i <= k; i++) {
            key = keys[i]
            for (j = 1; j <= 3; j++) {
                line = sprintf("%-14s %-11s", key, names[j])
                for (r = 1; r <= n["hyper", key]; r++)
                    line = line sprintf("  %.2f", rate[names[j], key, r] / rate["hyper", key, r])
                print line
            }
        }
    }' "$results"
rm -f "$results"

#!/usr/bin/env bash
# The scale-out lab: one visitor, two pagecount servers, and a round-robin
# load balancer (HAProxy) in front, all on this machine's loopback.
#
# It walks four stages and says at each what happened and why:
#   1. sessions in each server's memory: the count breaks as requests
#      alternate, because each server refuses the ids the other issued;
#   2. HAProxy's sticky cookie: the balancer remembers the visitor with a
#      cookie of its own and sends them back to the same server, until that
#      server stops and the session is lost with it;
#   3. a shared store (Redis, then a SQLite file): the count survives the
#      alternation, a server stopping, and a restart of both;
#   4. signed cookies: servers with different keys reject each other's
#      cookies; with one key they agree.
#
# The visitor is curl with a cookie jar, as a browser would keep cookies.
# Needs: cargo, curl, redis-server, haproxy (apt-get install curl
# redis-server haproxy). Every process it starts is stopped at the end, by
# its PID. It exits non-zero if a stage does not show what it claims.
set -euo pipefail
cd "$(dirname "$0")/.."

need() {
    command -v "$1" >/dev/null || { echo "lab: $1 is not installed ($2)" >&2; exit 1; }
}
need cargo "install Rust with rustup"
need curl "apt-get install curl"
need redis-server "apt-get install redis-server"
need haproxy "apt-get install haproxy"

work=$(mktemp -d)
declare -A pid=()      # name -> PID of every process this script started
failures=0

cleanup() {
    for name in "${!pid[@]}"; do
        kill "${pid[$name]}" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

echo "Building pagecount (cargo build --release)..."
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/pagecount"

# free_port VAR: sets VAR to a loopback port nobody listens on (a
# connection to it is refused) and that was not handed out already.
taken=" "
free_port() {
    local port
    for _ in $(seq 200); do
        port=$((20000 + RANDOM % 40000))
        if [[ $taken != *" $port "* ]] && ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            taken="$taken$port "
            printf -v "$1" %s "$port"
            return
        fi
    done
    echo "lab: found no free port" >&2
    exit 1
}

# Waits up to 30 s for a port (a busy machine can be slow to start a server) to accept connections.
wait_for_port() {
    for _ in $(seq 300); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return; fi
        sleep 0.1
    done
    echo "lab: nothing listens on port $1 after 30 s" >&2
    exit 1
}

free_port port_a
free_port port_b
free_port port_lb
free_port port_redis

# start_server NAME PORT [OPTION...]: a pagecount instance named NAME.
start_server() {
    local name=$1 port=$2
    shift 2
    "$bin" --bind "127.0.0.1:$port" --name "$name" --quiet "$@" >"$work/$name.log" 2>&1 &
    pid[$name]=$!
    wait_for_port "$port"
}

# stop NAME: stops a process this script started, and waits for it.
stop() {
    kill "${pid[$1]}"
    wait "${pid[$1]}" 2>/dev/null || true
    unset "pid[$1]"
}

# start_balancer roundrobin|sticky: HAProxy in front of a and b.
start_balancer() {
    local cookie="" server_a="" server_b=""
    if [ "$1" = sticky ]; then
        cookie="cookie SRV insert indirect nocache"
        server_a="cookie a"
        server_b="cookie b"
    fi
    cat >"$work/haproxy.cfg" <<EOF
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
    # A server that refuses the connection: try once more, on another.
    retries 1
    option redispatch

frontend lab
    bind 127.0.0.1:$port_lb
    default_backend pagecount

backend pagecount
    balance roundrobin
    $cookie
    server a 127.0.0.1:$port_a check inter 200ms $server_a
    server b 127.0.0.1:$port_b check inter 200ms $server_b
EOF
    haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 &
    pid[haproxy]=$!
    wait_for_port "$port_lb"
}

# A new visitor: an empty cookie jar.
new_visitor() {
    : >"$work/jar"
}

# visit PATH: one request through the balancer, as the visitor. Sets
# $status, $served_by, $count, and $page (the body's file).
visit() {
    page="$work/page"
    status=$(curl -s -o "$page" -D "$work/headers" -w '%{http_code}' -b "$work/jar" -c "$work/jar" \
        "http://127.0.0.1:$port_lb$1")
    # Header names are case-insensitive: HAProxy passes them on in lower case.
    served_by=$(tr -d '\r' <"$work/headers" | awk 'tolower($1) == "served-by:" { print $2 }')
    count=$(sed -n 's/.*<h1>.*Page Count is: \([0-9]*\)<\/h1>.*/\1/p' "$page")
    if [ "$status" != 200 ] || [ -z "$count" ]; then
        echo "    request got $status with no count (served by ${served_by:-nobody})"
        count=0
    fi
}

# says TEXT: whether the last page contains TEXT.
says() {
    grep -q "$1" "$page"
}

# check COMMAND... -- CLAIM: prints whether the claim held (whether the
# command succeeded).
check() {
    local claim=${*: -1}
    if "${@:1:$#-2}"; then
        echo "  OK: $claim"
    else
        echo "  FAILED: $claim"
        failures=$((failures + 1))
    fi
}

# counts_were EXPECTED...: whether the counts seen so far are exactly these.
# Visits a page four times through the balancer, saying where each visit
# went; leaves the counts in $counts and the servers in $servers ("abab").
four_visits() {
    counts="" servers=""
    for i in 1 2 3 4; do
        visit "$1"
        counts="$counts $count"
        servers="$servers$served_by"
        echo "  request $i went to $served_by: count $count"
    done
}

counts_were() {
    [ "${counts# }" = "$*" ]
}

echo
echo "Two pagecount servers: a on 127.0.0.1:$port_a, b on 127.0.0.1:$port_b."
echo "HAProxy on 127.0.0.1:$port_lb sends each request to one of them in turn."
echo "The visitor is curl with a cookie jar, asking the balancer, never a server."

echo
echo "== Stage 1: each server keeps its sessions in its own memory =="
start_server a "$port_a"
start_server b "$port_b"
start_balancer roundrobin
new_visitor
counts="" refused=0
for i in 1 2 3 4; do
    visit /session_count/
    counts="$counts $count"
    if says "not adopted"; then
        refused=$((refused + 1))
        echo "  request $i went to $served_by: count $count. $served_by never issued the session id the browser sent,"
        echo "            so it refused it and started a new session (with a new id)."
    else
        echo "  request $i went to $served_by: count $count, a new session."
    fi
done
echo "  The count never gets past 1: each server knows only the sessions it issued itself."
check counts_were 1 1 1 1 -- "the count stayed at 1 as the requests alternated"
check test "$refused" -ge 3 -- "the other server refused the id it never issued"
stop haproxy

echo
echo "== Stage 2: the balancer remembers which server the visitor had (a sticky cookie) =="
start_balancer sticky
new_visitor
counts="" servers="" balancer_cookie=""
for i in 1 2 3 4; do
    visit /session_count/
    counts="$counts $count"
    servers="$servers $served_by"
    echo "  request $i went to $served_by: count $count"
    if [ "$i" = 1 ]; then
        balancer_cookie=$(tr -d '\r' <"$work/headers" | grep -i '^Set-Cookie: SRV=' || true)
        echo "    HAProxy added its own cookie to the answer (it writes header names in lower case):"
        echo "      $balancer_cookie"
        echo "    (the browser sends it back, and HAProxy reads it to pick the server:"
        echo "    the balancer remembers the visitor with a cookie, as pagecount does)"
    fi
done
sticky=$served_by
other=$([ "$sticky" = a ] && echo b || echo a)
check counts_were 1 2 3 4 -- "counting works: every request went to the same server"
check test -n "$balancer_cookie" -- "the balancer's Set-Cookie is on the wire"
echo "  Now $sticky stops (a crash, or a deploy)."
stop "$sticky"
visit /session_count/
echo "  request 5 went to $served_by: count $count. HAProxy sent the visitor elsewhere, and $served_by"
echo "            never saw them: it refused their id and started a new session."
check test "$served_by:$count" = "$other:1" -- "the visitor lost the session: it lived in $sticky's memory"
stop haproxy
stop "$other"

echo
echo "== Stage 3: both servers keep their sessions in one shared store =="
redis-server --port "$port_redis" --bind 127.0.0.1 --save '' --appendonly no >"$work/redis.log" 2>&1 &
pid[redis]=$!
wait_for_port "$port_redis"
for store in "redis://127.0.0.1:$port_redis" "sqlite:$work/sessions.db"; do
    echo "  -- with --sessions $store"
    start_server a "$port_a" --sessions "$store"
    start_server b "$port_b" --sessions "$store"
    start_balancer roundrobin
    new_visitor
    four_visits /session_count/
    check counts_were 1 2 3 4 -- "the count goes on whichever server answers"
    check test "$servers" = abab -o "$servers" = baba -- "the requests alternated between a and b"
    echo "  Now a stops."
    stop a
    for i in 5 6; do
        visit /session_count/
        counts="$counts $count"
        echo "  request $i went to $served_by: count $count"
    done
    check counts_were 1 2 3 4 5 6 -- "b carries on the session a had served"
    echo "  Now b stops too, and both start again."
    stop b
    start_server a "$port_a" --sessions "$store"
    start_server b "$port_b" --sessions "$store"
    for i in 7 8; do
        visit /session_count/
        counts="$counts $count"
        echo "  request $i went to $served_by: count $count"
    done
    check counts_were 1 2 3 4 5 6 7 8 -- "the session survived a restart of both servers"
    case $store in
    redis*) echo "  (Redis keeps the sessions in its memory: this one, started without saving to disk,"
            echo "  would lose them if it restarted. The SQLite file below keeps them on disk.)" ;;
    sqlite*) echo "  (SQLite lets several processes share a file on one machine; servers on other"
             echo "  machines would need Redis, or a database server.)" ;;
    esac
    stop haproxy
    stop a
    stop b
done
stop redis

echo
echo "== Stage 4: signed cookies, where the count travels with the visitor =="
PAGECOUNT_SECRET="server a's own key, 16+ bytes" start_server a "$port_a"
PAGECOUNT_SECRET="server b's own key, 16+ bytes" start_server b "$port_b"
start_balancer roundrobin
new_visitor
counts="" rejected=0
echo "  -- each server with a key of its own"
for i in 1 2 3 4; do
    visit /signed_count/
    counts="$counts $count"
    if says "was rejected"; then
        rejected=$((rejected + 1))
        echo "  request $i went to $served_by: count $count. The cookie was signed with the other server's key,"
        echo "            so $served_by rejected it as forged."
    else
        echo "  request $i went to $served_by: count $count"
    fi
done
check counts_were 1 1 1 1 -- "servers with different keys reject each other's cookies"
check test "$rejected" -ge 3 -- "each said the cookie was rejected"
stop haproxy
stop a
stop b
echo "  -- both servers with one key (PAGECOUNT_SECRET)"
export PAGECOUNT_SECRET="one key that both servers share"
start_server a "$port_a"
start_server b "$port_b"
start_balancer roundrobin
new_visitor
four_visits /signed_count/
check counts_were 1 2 3 4 -- "with one key they agree, and neither stores anything"
check test "$servers" = abab -o "$servers" = baba -- "the requests alternated between a and b"

echo
if [ "$failures" -gt 0 ]; then
    echo "$failures claim(s) did not hold."
    exit 1
fi
echo "Every stage showed what it claims."

# Shared by compare.sh and ceiling.sh (sourced, not run).

# Exits with an install hint unless every named tool is on PATH.
need() {
    for tool in "$@"; do
        command -v "$tool" >/dev/null || { echo "$(basename "$0") needs $tool (apt-get install $tool)" >&2; exit 1; }
    done
}

# A port nothing listens on now.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Waits up to 5 s for URL to answer.
wait_for() {
    for _ in $(seq 50); do
        curl -s -o /dev/null "$1" && return
        sleep 0.1
    done
}

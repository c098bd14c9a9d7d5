#!/usr/bin/env bash
# Usage: scripts/with-rabbitmq.sh CMD [ARGS...]
#
# Runs CMD with KETENREGIE_TEST_AMQP_URL pointing at a throwaway RabbitMQ node:
#   - finds rabbitmq-server (/usr/lib/rabbitmq/bin, then PATH), or installs Debian's
#     `rabbitmq-server` package with apt-get when there is none (as root or through sudo);
#     the service the package would start is kept from starting (policy-rc.d) or stopped;
#   - starts a node with everything in a temporary directory (mnesia, logs, cookie, empty
#     config and plugin files), listening on 127.0.0.1 only, on free ports for AMQP, Erlang
#     distribution and its own epmd, so it cannot clash with any other node on the machine;
#   - waits until it answers (at most KETENREGIE_RABBITMQ_START_TIMEOUT seconds, default 60)
#     and exports KETENREGIE_TEST_AMQP_URL=amqp://guest:guest@127.0.0.1:<port>//;
#   - always stops the node (and its epmd) and deletes the directory on exit, and exits
#     with CMD's status.
# If KETENREGIE_TEST_AMQP_URL is already set, CMD is run against that broker as is.
set -euo pipefail

log() { printf 'with-rabbitmq: %s\n' "$*" >&2; }
die() {
    log "ERROR: $*"
    exit 1
}

if [ "$#" -eq 0 ]; then
    die "usage: $0 CMD [ARGS...]"
fi

if [ -n "${KETENREGIE_TEST_AMQP_URL:-}" ]; then
    log "KETENREGIE_TEST_AMQP_URL is already set; using that broker"
    exec "$@"
fi

START_TIMEOUT="${KETENREGIE_RABBITMQ_START_TIMEOUT:-60}"

# ------------------------------------------------------------ find binaries
find_rabbit_bindir() {
    local candidate dir
    # Debian's /usr/sbin/rabbitmq-server is a wrapper that switches to the rabbitmq user
    # and reads /etc/rabbitmq; the real scripts live in /usr/lib/rabbitmq/bin.
    for dir in /usr/lib/rabbitmq/bin /usr/local/lib/rabbitmq/bin; do
        if [ -x "$dir/rabbitmq-server" ] && [ -x "$dir/rabbitmqctl" ]; then
            printf '%s\n' "$dir"
            return 0
        fi
    done
    if candidate="$(command -v rabbitmq-server 2>/dev/null)"; then
        dir="$(dirname "$(readlink -f "$candidate")")"
        if [ -x "$dir/rabbitmqctl" ]; then
            printf '%s\n' "$dir"
            return 0
        fi
    fi
    return 1
}

install_rabbitmq() {
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo=(sudo)
        else
            die "rabbitmq-server not found and not root without sudo. Install it (Debian: apt-get install rabbitmq-server) or set KETENREGIE_TEST_AMQP_URL."
        fi
    fi
    command -v apt-get >/dev/null 2>&1 ||
        die "rabbitmq-server not found and no apt-get to install it. Install RabbitMQ >= 3.9 or set KETENREGIE_TEST_AMQP_URL."
    log "RabbitMQ not found; installing Debian package 'rabbitmq-server' with apt-get"
    # Keep the package's own service from starting (and from taking port 5672 / epmd 4369):
    # a policy-rc.d that refuses every start, unless the machine already has one.
    local policy=/usr/sbin/policy-rc.d added_policy=0
    if [ ! -e "$policy" ]; then
        "${sudo[@]}" sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 0755 $policy" && added_policy=1
    fi
    "${sudo[@]}" apt-get update -qq || log "warning: apt-get update failed; trying the install anyway"
    local ok=1
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        rabbitmq-server >&2 || ok=0
    if [ "$added_policy" -eq 1 ]; then "${sudo[@]}" rm -f "$policy"; fi
    [ "$ok" -eq 1 ] || die "apt-get install rabbitmq-server failed"
    # Where systemd ignores policy-rc.d, stop the service the package started.
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
        "${sudo[@]}" systemctl stop rabbitmq-server >/dev/null 2>&1 || true
        "${sudo[@]}" systemctl disable rabbitmq-server >/dev/null 2>&1 || true
    fi
}

if ! RABBIT_BIN="$(find_rabbit_bindir)"; then
    install_rabbitmq
    RABBIT_BIN="$(find_rabbit_bindir)" || die "rabbitmq-server was installed but is still not found"
fi

# -------------------------------------------------------------- free ports
free_ports() {
    # Bind to port 0 and report what the kernel chose; the sockets close right away, and
    # the window until the node binds them is short enough for a test machine.
    python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}
read -r AMQP_PORT DIST_PORT EPMD_PORT <<<"$(free_ports 3)" || die "could not find free ports"

# ------------------------------------------------------------------- node
RMQ_TMP="$(mktemp -d "${TMPDIR:-/tmp}/ketenregie-rabbitmq.XXXXXX")"
started=0
node_pid=""

ORIG_HOME="${HOME:-/root}"
export HOME="$RMQ_TMP/home" # the Erlang cookie lives in $HOME/.erlang.cookie
mkdir -p "$HOME" "$RMQ_TMP/mnesia" "$RMQ_TMP/log"
export RABBITMQ_NODENAME="ketenregie-test-$$@localhost"
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT="$AMQP_PORT"
export RABBITMQ_DIST_PORT="$DIST_PORT"
export ERL_EPMD_PORT="$EPMD_PORT"
export ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_MNESIA_BASE="$RMQ_TMP/mnesia"
export RABBITMQ_LOG_BASE="$RMQ_TMP/log"
export RABBITMQ_PID_FILE="$RMQ_TMP/rabbitmq.pid"
export RABBITMQ_CONF_ENV_FILE="$RMQ_TMP/rabbitmq-env.conf"
export RABBITMQ_CONFIG_FILE="$RMQ_TMP/rabbitmq.conf"
export RABBITMQ_ADVANCED_CONFIG_FILE="$RMQ_TMP/advanced.config"
export RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_TMP/enabled_plugins"
export RABBITMQ_ENABLED_PLUGINS=""
export RABBITMQ_ALLOW_INPUT=""
: >"$RABBITMQ_CONF_ENV_FILE"
printf '[].\n' >"$RABBITMQ_ENABLED_PLUGINS_FILE"
cat >"$RABBITMQ_CONFIG_FILE" <<EOF
# throwaway test node (scripts/with-rabbitmq.sh)
loopback_users.guest = true
listeners.tcp.default = 127.0.0.1:$AMQP_PORT
log.console = false
log.file.level = warning
disk_free_limit.absolute = 50MB
EOF
printf '[].\n' >"$RABBITMQ_ADVANCED_CONFIG_FILE"

ctl() { "$RABBIT_BIN/rabbitmqctl" -n "$RABBITMQ_NODENAME" "$@"; }

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ "$started" -eq 1 ]; then
        ctl stop >/dev/null 2>&1 || log "warning: rabbitmqctl stop failed (node already gone?)"
        if [ -n "$node_pid" ] && kill -0 "$node_pid" 2>/dev/null; then
            sleep 1
            kill "$node_pid" 2>/dev/null || true
        fi
        # The node started its own epmd on our port; it outlives the node unless stopped.
        if command -v epmd >/dev/null 2>&1; then
            epmd -port "$EPMD_PORT" -kill >/dev/null 2>&1 || true
        fi
    fi
    rm -rf "$RMQ_TMP"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "starting node $RABBITMQ_NODENAME on 127.0.0.1:$AMQP_PORT (dist $DIST_PORT, epmd $EPMD_PORT)"
"$RABBIT_BIN/rabbitmq-server" >"$RMQ_TMP/server.out" 2>&1 &
node_pid=$!
started=1

deadline=$((SECONDS + START_TIMEOUT))
until ctl await_startup --timeout 5 >/dev/null 2>&1; do
    if ! kill -0 "$node_pid" 2>/dev/null; then
        tail -n 40 "$RMQ_TMP/server.out" >&2 || true
        die "RabbitMQ exited during start-up"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
        tail -n 40 "$RMQ_TMP/server.out" >&2 || true
        die "RabbitMQ did not start within ${START_TIMEOUT}s"
    fi
    sleep 0.5
done

export KETENREGIE_TEST_AMQP_URL="amqp://guest:guest@127.0.0.1:$AMQP_PORT//"
log "RabbitMQ up; KETENREGIE_TEST_AMQP_URL=$KETENREGIE_TEST_AMQP_URL"

# CMD gets the caller's environment back, plus the URL.
node_env=(-u RABBITMQ_NODENAME -u RABBITMQ_NODE_IP_ADDRESS -u RABBITMQ_NODE_PORT
    -u RABBITMQ_DIST_PORT -u ERL_EPMD_PORT -u ERL_EPMD_ADDRESS -u RABBITMQ_MNESIA_BASE
    -u RABBITMQ_LOG_BASE -u RABBITMQ_PID_FILE -u RABBITMQ_CONF_ENV_FILE -u RABBITMQ_CONFIG_FILE
    -u RABBITMQ_ADVANCED_CONFIG_FILE -u RABBITMQ_ENABLED_PLUGINS_FILE -u RABBITMQ_ENABLED_PLUGINS
    -u RABBITMQ_ALLOW_INPUT)
set +e
env "${node_env[@]}" HOME="$ORIG_HOME" "$@"
status=$?
set -e
exit "$status"

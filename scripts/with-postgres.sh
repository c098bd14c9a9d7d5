#!/usr/bin/env bash
# Usage: scripts/with-postgres.sh CMD [ARGS...]
#
# Runs CMD with KETENREGIE_TEST_PG_URL pointing at a throwaway PostgreSQL cluster:
#   - finds initdb/pg_ctl (PATH, then /usr/lib/postgresql/*/bin, newest first), or
#     installs Debian's `postgresql` package with apt-get when there is none;
#   - creates a fresh cluster in a temporary directory, tuned for tests (fsync off),
#     listening only on a unix socket inside that directory (no TCP port);
#   - bootstrap role `ketenregie` (superuser, so it may CREATE DATABASE: the test
#     fixtures make one database per pytest-xdist worker), trust authentication;
#   - creates database `ketenregie_test` and exports
#       KETENREGIE_TEST_PG_URL=postgresql+psycopg://ketenregie@/ketenregie_test?host=<socket dir>&port=<port>
#   - always stops the cluster and deletes the directory on exit, and exits with
#     CMD's status.
# If KETENREGIE_TEST_PG_URL is already set, CMD is run against that server as is.
# Optional: KETENREGIE_PG_BINDIR=/usr/lib/postgresql/16/bin picks the server binaries;
#           KETENREGIE_TEST_PG_PORT (default 5432) names the socket file.
# PostgreSQL refuses to run as root: as root, the server runs as user `postgres`
# (created by Debian's package) or, failing that, a system user `ketenregie-pg`.
set -euo pipefail

log() { printf 'with-postgres: %s\n' "$*" >&2; }
die() {
    log "ERROR: $*"
    exit 1
}

if [ "$#" -eq 0 ]; then
    die "usage: $0 CMD [ARGS...]"
fi

if [ -n "${KETENREGIE_TEST_PG_URL:-}" ]; then
    log "KETENREGIE_TEST_PG_URL is already set; using that server"
    exec "$@"
fi

PG_PORT="${KETENREGIE_TEST_PG_PORT:-5432}" # names the socket file only; no TCP listener
PG_ROLE=ketenregie
PG_DB=ketenregie_test

# ------------------------------------------------------------ find binaries
find_pg_bindir() {
    local candidate dir
    if candidate="$(command -v initdb 2>/dev/null)"; then
        dir="$(dirname "$(readlink -f "$candidate")")"
        if [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then
            printf '%s\n' "$dir"
            return 0
        fi
    fi
    # Debian/Ubuntu keep the server binaries off PATH; take the newest version.
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -rn); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then
            printf '%s\n' "$dir"
            return 0
        fi
    done
    return 1
}

stop_package_clusters() {
    # Debian's postinst creates and may start a "main" cluster; we do not use it.
    command -v pg_lsclusters >/dev/null 2>&1 || return 0
    local ver name _port status _rest
    pg_lsclusters -h 2>/dev/null | while read -r ver name _port status _rest; do
        if [ "$status" = "online" ]; then
            log "stopping cluster $ver/$name started by the package install"
            pg_ctlcluster "$ver" "$name" stop || true
        fi
    done
}

install_postgres() {
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo=(sudo)
        else
            die "PostgreSQL server binaries (initdb, pg_ctl) not found and not root without sudo. Install them (Debian: apt-get install postgresql) or set KETENREGIE_TEST_PG_URL."
        fi
    fi
    command -v apt-get >/dev/null 2>&1 ||
        die "PostgreSQL server binaries (initdb, pg_ctl) not found and no apt-get to install them. Install PostgreSQL >= 13 or set KETENREGIE_TEST_PG_URL."
    log "PostgreSQL not found; installing Debian package 'postgresql' with apt-get"
    "${sudo[@]}" apt-get update -qq || log "warning: apt-get update failed; trying the install anyway"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2 ||
        die "apt-get install postgresql failed"
    if [ "${#sudo[@]}" -eq 0 ]; then
        stop_package_clusters
    else
        sudo sh -c 'command -v pg_lsclusters >/dev/null || exit 0; pg_lsclusters -h | while read -r v n p s r; do [ "$s" = online ] && pg_ctlcluster "$v" "$n" stop; done; exit 0' || true
    fi
}

if [ -n "${KETENREGIE_PG_BINDIR:-}" ]; then
    PG_BIN="$KETENREGIE_PG_BINDIR"
elif ! PG_BIN="$(find_pg_bindir)"; then
    install_postgres
    PG_BIN="$(find_pg_bindir)" || die "PostgreSQL was installed but initdb/pg_ctl are still not found"
fi
for tool in initdb pg_ctl postgres; do
    [ -x "$PG_BIN/$tool" ] || die "$PG_BIN/$tool is missing or not executable"
done

# ------------------------------------------------------ user to run it as
run_as_pg=()
if [ "$(id -u)" -eq 0 ]; then
    if id -u postgres >/dev/null 2>&1; then
        PG_USER=postgres
    else
        PG_USER=ketenregie-pg
        if ! id -u "$PG_USER" >/dev/null 2>&1; then
            log "creating system user $PG_USER to run PostgreSQL (it refuses to run as root)"
            useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$PG_USER" ||
                die "could not create user $PG_USER"
        fi
    fi
    if command -v runuser >/dev/null 2>&1; then
        run_as_pg=(runuser -u "$PG_USER" --)
    elif command -v setpriv >/dev/null 2>&1; then
        run_as_pg=(setpriv --reuid="$PG_USER" --regid="$(id -g "$PG_USER")" --init-groups --)
    else
        die "running as root but neither runuser nor setpriv is available to drop privileges"
    fi
else
    PG_USER="$(id -un)"
fi

# ---------------------------------------------------------------- cluster
base_tmp="${TMPDIR:-/tmp}"
# A unix socket path may not exceed 107 bytes; keep ours well inside that.
if [ "${#base_tmp}" -gt 60 ]; then base_tmp=/tmp; fi
PG_TMP="$(mktemp -d "$base_tmp/ketenregie-pg.XXXXXX")"
PG_DATA="$PG_TMP/data"
PG_LOG="$PG_TMP/postgres.log"
started=0

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ "$started" -eq 1 ]; then
        (cd "$PG_TMP" && "${run_as_pg[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w stop >/dev/null 2>&1) ||
            log "warning: pg_ctl stop failed (server already gone?)"
    fi
    rm -rf "$PG_TMP"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

chmod 0755 "$PG_TMP" # the test process (maybe another user) must reach the socket
if [ "$(id -u)" -eq 0 ]; then chown "$PG_USER" "$PG_TMP"; fi

as_pg() { (cd "$PG_TMP" && "${run_as_pg[@]}" "$@"); }

log "initdb ($("$PG_BIN/postgres" --version)) in $PG_DATA as $PG_USER"
if ! as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_ROLE" --auth=trust \
    --encoding=UTF8 --locale=C --no-sync >"$PG_TMP/initdb.log" 2>&1; then
    cat "$PG_TMP/initdb.log" >&2
    die "initdb failed"
fi

cat >>"$PG_DATA/postgresql.conf" <<EOF

# --- throwaway test cluster (scripts/with-postgres.sh) ---
listen_addresses = ''
unix_socket_directories = '$PG_TMP'
port = $PG_PORT
max_connections = 100
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 128MB
EOF

if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start >/dev/null; then
    cat "$PG_LOG" >&2 || true
    die "PostgreSQL did not start"
fi
started=1

PSQL="$PG_BIN/psql"
[ -x "$PSQL" ] || PSQL="$(command -v psql)" || die "psql not found next to $PG_BIN/postgres nor on PATH"
"$PSQL" -X -q -v ON_ERROR_STOP=1 -h "$PG_TMP" -p "$PG_PORT" -U "$PG_ROLE" -d postgres \
    -c "CREATE DATABASE $PG_DB" || die "could not create database $PG_DB"

export KETENREGIE_TEST_PG_URL="postgresql+psycopg://$PG_ROLE@/$PG_DB?host=$PG_TMP&port=$PG_PORT"
log "PostgreSQL up; KETENREGIE_TEST_PG_URL=$KETENREGIE_TEST_PG_URL"

set +e
"$@"
status=$?
set -e
exit "$status"

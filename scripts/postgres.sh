#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: its own cluster in a temp dir, 127.0.0.1 only.
#
#   scripts/postgres.sh start [DIR]   install Debian's postgresql if needed, start a server whose
#                                     files live in DIR (default: a new temp dir), print its URL
#   scripts/postgres.sh stop DIR      stop that server and delete DIR
#
# Sourcing the file defines pg_start DIR and pg_stop DIR without running anything.
# Everything but the URL goes to stderr, so `url=$(scripts/postgres.sh start "$dir")` works.

pg_log() { echo "postgres.sh: $*" >&2; }

# shellcheck source=apt.sh
. "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

# The newest Debian PostgreSQL bin dir holding both initdb and postgres (nothing on PATH is trusted).
pg_bin_dir() {
  local dir found
  # The glob sorts "100" before "15": pick the highest major version explicitly.
  found=$(for dir in /usr/lib/postgresql/*/bin; do
            [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ] && echo "$dir"
          done | sort -V | tail -n 1)
  [ -n "$found" ] && echo "$found"
}

pg_install() {
  pg_log "no PostgreSQL under /usr/lib/postgresql: installing Debian's postgresql package"
  apt_install postgresql
}

# PostgreSQL refuses to run as root: then the server runs as the `postgres` system user.
pg_run_user() {
  if [ "$(id -u)" -ne 0 ]; then
    return 0
  fi
  if ! id postgres >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /bin/sh postgres >&2
  fi
  echo postgres
}

# Runs a command as the server's user, from DIR (the user may not be able to enter our cwd).
pg_as_user() {
  local user=$1 dir=$2
  shift 2
  if [ -z "$user" ]; then
    (cd "$dir" && "$@")
  elif command -v runuser >/dev/null 2>&1; then
    (cd "$dir" && runuser -u "$user" -- "$@")
  else
    (cd "$dir" && su "$user" -s /bin/sh -c "$(printf '%q ' "$@")")
  fi
}

pg_free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
  else
    echo $((20000 + RANDOM % 40000))
  fi
}

pg_start() {
  local dir=$1 bin user port attempt
  bin=$(pg_bin_dir) || { pg_install && bin=$(pg_bin_dir); } || {
    pg_log "PostgreSQL is not installed and could not be installed (need root or sudo, and network)"
    return 1
  }
  user=$(pg_run_user) || return 1
  mkdir -p "$dir" && chmod 700 "$dir"
  [ -z "$user" ] || chown "$user" "$dir"
  pg_as_user "$user" "$dir" "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C \
    --no-sync >"$dir/initdb.log" 2>&1 || { pg_log "initdb failed:"; cat "$dir/initdb.log" >&2; return 1; }
  # Another process may grab the free port between choosing and binding it: then try another.
  for attempt in 1 2 3; do
    port=$(pg_free_port)
    pg_configure "$dir" "$port"
    if pg_as_user "$user" "$dir" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -s -w -t 60 start >&2; then
      pg_wait_ready "$bin" "$dir" "$port" || return 1
      echo "postgresql://postgres@127.0.0.1:$port/postgres" | tee "$dir/url"
      return 0
    fi
    pg_log "start on port $port failed (attempt $attempt):"
    tail -n 5 "$dir/server.log" >&2
  done
  return 1
}

# Settings for a test server: local only, socket in DIR, durability off for speed.
pg_configure() {
  local dir=$1 port=$2
  cat >"$dir/data/postgresql.auto.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
EOF
}

pg_wait_ready() {
  local bin=$1 dir=$2 port=$3 i
  for i in $(seq 1 100); do
    if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres; then
      return 0
    fi
    sleep 0.1
  done
  pg_log "server in $dir does not accept connections on port $port"
  return 1
}

pg_stop() {
  local dir=$1 bin user
  [ -d "$dir/data" ] || { pg_log "no server in $dir"; rm -rf "$dir"; return 0; }
  bin=$(pg_bin_dir) || return 1
  user=$(pg_run_user) || return 1
  pg_as_user "$user" "$dir" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

pg_main() {
  set -euo pipefail
  case "${1:-}" in
    start)
      local dir=${2:-}
      if [ -z "$dir" ]; then
        dir=$(mktemp -d "${TMPDIR:-/tmp}/claimledger-pg.XXXXXX")
        pg_log "server files in $dir (stop with: scripts/postgres.sh stop $dir)"
      fi
      pg_start "$dir"
      ;;
    stop)
      [ -n "${2:-}" ] || { pg_log "usage: postgres.sh stop DIR"; exit 2; }
      pg_stop "$2"
      ;;
    *)
      pg_log "usage: postgres.sh start [DIR] | stop DIR"
      exit 2
      ;;
  esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  pg_main "$@"
fi

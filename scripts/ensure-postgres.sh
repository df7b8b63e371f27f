#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite (README, "A shared catalog on PostgreSQL").
#
#   scripts/ensure-postgres.sh start           # print the URL of a running test server
#   scripts/ensure-postgres.sh stop-if-started # stop it if `start` started it (not if reused)
#   scripts/ensure-postgres.sh stop            # stop it
#
# `start` installs Debian's `postgresql` package when no initdb/pg_ctl is found (as root, or
# through sudo), initialises a cluster in $CATALOG_EDITOR_PG_DIR (default
# /tmp/catalog-editor-pg-PORT; PostgreSQL refuses to run as root, so as root the cluster belongs
# to the package's `postgres` user), starts it on 127.0.0.1:$CATALOG_EDITOR_PG_PORT (default
# 55432) with trust authentication, creates the database `catalog_editor_test` and prints
# its URL on stdout (everything else goes to stderr). A server already answering on that port
# is reused. Exit status 0 when the server is up, 1 otherwise.
set -u
port=${CATALOG_EDITOR_PG_PORT:-55432}
dir=${CATALOG_EDITOR_PG_DIR:-${TMPDIR:-/tmp}/catalog-editor-pg-$port}
db=catalog_editor_test
say() { echo "ensure-postgres: $*" >&2; }

find_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  d=$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/x)")
  if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  return 1
}

install_postgres() {
  say "no PostgreSQL server programs found: installing Debian's postgresql package"
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { say "not root and no sudo: install postgresql yourself"; return 1; }
    sudo="sudo"
  fi
  command -v apt-get >/dev/null || { say "no apt-get: install PostgreSQL yourself"; return 1; }
  $sudo apt-get update -qq >&2 && $sudo env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq postgresql >&2
}

as_owner() {  # run a server program as the cluster's owner (never as root)
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

ready() { "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" 2>/dev/null; }

start() {
  bin=$(find_bin) || { install_postgres && bin=$(find_bin); } || {
    say "PostgreSQL is not installed and could not be installed"; return 1; }
  if ready; then
    say "reusing the server on 127.0.0.1:$port"
  else
    if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
      say "no 'postgres' system user to run the server as"; return 1
    fi
    if [ ! -f "$dir/PG_VERSION" ]; then
      rm -rf "$dir" && mkdir -p "$dir" || return 1
      [ "$(id -u)" = 0 ] && chown postgres: "$dir"
      chmod 700 "$dir"
      say "initialising a throwaway cluster in $dir"
      as_owner "$bin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null \
        || { say "initdb failed"; return 1; }
    fi
    say "starting PostgreSQL on 127.0.0.1:$port"
    # fsync off: a throwaway cluster for tests, nothing in it needs to survive a power cut
    as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
      start >/dev/null || { say "the server did not start; see $dir/server.log"; return 1; }
    touch "$dir/started-by-ensure-postgres"
  fi
  local psql=("$bin/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -tA)
  if [ -z "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
    "${psql[@]}" -c "CREATE DATABASE $db" >/dev/null || { say "cannot create $db"; return 1; }
  fi
  echo "postgresql://postgres@127.0.0.1:$port/$db"
}

stop() {
  bin=$(find_bin) || return 0
  [ -f "$dir/PG_VERSION" ] || return 0
  as_owner "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
  rm -f "$dir/started-by-ensure-postgres"
  say "stopped the server on 127.0.0.1:$port"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  stop-if-started) if [ -f "$dir/started-by-ensure-postgres" ]; then stop; fi ;;
  *) say "usage: $0 [start|stop|stop-if-started]"; exit 2 ;;
esac

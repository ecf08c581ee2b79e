#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 for the test suite.
# Uses the one already running when there is one; otherwise starts the installed
# cluster, installing PostgreSQL from Debian's packages first when it is absent.
# Prints the admin URL the tests should use.
set -euo pipefail

answers() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -h 127.0.0.1 -p 5432 -q
  else
    (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null
  fi
}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! answers; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    echo "PostgreSQL is not installed: installing it from Debian's packages" >&2
    as_root apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >&2
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "starting PostgreSQL $version" >&2
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 \
    || as_root pg_ctlcluster "$version" main start >&2
  for _ in $(seq 1 60); do answers && break; sleep 1; done
  answers || { echo "PostgreSQL did not start" >&2; exit 1; }
  # A fresh Debian cluster asks for a password over TCP; give the tests one.
  as_root su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >&2
fi
# With trust authentication the password is simply not asked for.
echo "postgres://postgres:postgres@127.0.0.1:5432/postgres"

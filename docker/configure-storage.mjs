// One-shot for docker/compose.yml (`docker compose run --rm storage-setup`): points Cairn's file
// storage at the compose file's MinIO bucket through the admin API, testing before saving.
// Reads only its environment; never prints the secret.
const env = process.env;
const base = (env.CAIRN_URL ?? "http://cairn:8090").replace(/\/+$/, "");
const token = env.CAIRN_ADMIN_TOKEN;
if (!token) {
  console.error(
    "storage-setup: set CAIRN_ADMIN_TOKEN in .env to an API key with the full scope " +
      "(console → Settings → API keys), then run it again.",
  );
  process.exit(2);
}
const s3 = {
  endpoint: env.S3_ENDPOINT ?? "http://minio:9000",
  region: env.S3_REGION ?? "us-east-1",
  bucket: env.S3_BUCKET ?? "",
  accessKeyId: env.S3_ACCESS_KEY_ID ?? "",
  secretAccessKey: env.S3_SECRET_ACCESS_KEY ?? "",
  forcePathStyle: true,
};

async function call(method, path) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ kind: "s3", s3 }),
  });
  if (response.ok) return;
  const { error } = await response.json().catch(() => ({ error: undefined }));
  console.error(`storage-setup: ${method} ${path} → ${response.status} ${error?.code ?? ""}`);
  if (error?.message) console.error(`  ${error.message}`);
  for (const [field, problem] of Object.entries(error?.fields ?? {})) {
    console.error(`  ${field}: ${problem.message}`);
  }
  process.exit(1);
}

// The test writes, reads and deletes a probe object; only then is the setting saved.
await call("POST", "/api/settings/storage/test");
await call("PATCH", "/api/settings/storage");
console.log(`storage-setup: new files now go to bucket "${s3.bucket}" at ${s3.endpoint}.`);

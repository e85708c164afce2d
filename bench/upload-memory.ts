// Measurement: a server's memory while it receives one large upload. A real `cairn serve`
// process (PGlite, local storage in a temporary data dir) takes a 200 MB file in a multipart
// record create, sent chunked from a generator so the client holds no copy either; the server's
// RSS is sampled from /proc every 20 ms. A streamed upload keeps the peak near the idle figure.
// Run: pnpm build && pnpm --filter @cairn/bench upload-memory   (UPLOAD_MB, default 200)
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const megabytes = Number(process.env.UPLOAD_MB ?? 200);
const cli = fileURLToPath(new URL("../apps/server/dist/cli.js", import.meta.url));

async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function run(args: string[], env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, [cli, ...args], {
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (chunk) => {
    out += chunk;
  });
  const code = await new Promise((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`cairn ${args.join(" ")} exited with ${code}`);
  return out;
}

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), "cairn-upload-bench-"));
  const port = 18_000 + (process.pid % 1000);
  const env = {
    PATH: process.env.PATH ?? "",
    CAIRN_DATA_DIR: dataDir,
    PORT: String(port),
    CAIRN_LOG_LEVEL: "warn",
  };
  const email = "bench@example.com";
  const password = "bench-password-1";
  await run(["superuser", "create", email, "--password", password], env);
  const server = spawn(process.execPath, [cli, "serve"], {
    env,
    stdio: ["ignore", "ignore", "ignore"],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      const ready = await fetch(`${base}/api/ready`).catch(() => undefined);
      if (ready?.ok) break;
      if (i > 200) throw new Error("the server did not get ready");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const signIn = await fetch(`${base}/api/superusers/sign-in`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    const { token } = (await signIn.json()) as { token: string };
    const auth = { Authorization: `Bearer ${token}` };
    const created = await fetch(`${base}/api/collections`, {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/json" },
      body: JSON.stringify({
        name: "videos",
        fields: [{ name: "video", type: "file", maxSize: (megabytes + 1) * 1024 * 1024 }],
      }),
    });
    if (!created.ok) throw new Error(`create collection: ${await created.text()}`);

    const idle = await rssOf(server.pid!);
    let peak = idle;
    const sampler = setInterval(() => {
      rssOf(server.pid!).then(
        (rss) => {
          peak = Math.max(peak, rss);
        },
        () => {},
      );
    }, 20);
    const started = performance.now();
    const status = await new Promise<number>((resolve, reject) => {
      const boundary = "cairnbench";
      const req = request(`${base}/api/collections/videos/records`, {
        method: "POST",
        headers: { ...auth, "Content-Type": `multipart/form-data; boundary=${boundary}` },
      });
      req.on("response", (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
      });
      req.on("error", reject);
      req.write(
        `--${boundary}\r\nContent-Disposition: form-data; name="video"; filename="big.mp4"\r\n\r\n`,
      );
      const chunk = Buffer.alloc(1024 * 1024, 0x2a);
      let sent = 0;
      const pump = () => {
        while (sent < megabytes) {
          sent++;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        req.end(`\r\n--${boundary}--\r\n`);
      };
      pump();
    });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    console.log(
      `upload of ${megabytes} MB: HTTP ${status} in ${seconds.toFixed(1)} s (${(megabytes / seconds).toFixed(0)} MB/s)`,
    );
    console.log(
      `server RSS idle ${mb(idle)}, peak during upload ${mb(peak)} (+${mb(peak - idle)})`,
    );
    if (status !== 201) process.exitCode = 1;
  } finally {
    server.kill("SIGTERM");
    await new Promise((resolve) => server.once("exit", resolve));
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();

// Reads a V8 .cpuprofile (node --cpu-prof, e.g. from `posts.ts --profile`) and prints where the
// time went while it served requests: the top functions by self time and by total time (each sample counted once per
// function on its stack), the same for Cairn's own functions, and self time by package or file.
// Run: pnpm --filter @cairn/bench profile-summary <file.cpuprofile> [top=30]
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error("usage: profile-summary <file.cpuprofile> [top]");
  process.exit(2);
}
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes)
  for (const child of node.children ?? []) parent.set(child, node.id);

/** Where a frame's code lives: a package, a workspace package's file, or the runtime. */
function area(url: string): string {
  if (url === "") return "(runtime)";
  if (url.startsWith("node:")) return url;
  const modules = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  const workspace = /\/(packages|apps)\/([^/]+)\/(?:dist|src)\/(.+)$/.exec(url);
  if (workspace) return `${workspace[1]}/${workspace[2]}/${workspace[3]}`;
  return url;
}
function key(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || "(anonymous)"}  ${area(url)}:${lineNumber + 1}`;
}

// Only the time the server was answering requests: from the first sample with the HTTP
// framework on its stack to the last one (start-up and the idle tail are left out).
const stacks = profile.samples.map((sample) => {
  const frames: ProfileNode[] = [];
  for (let id: number | undefined = sample; id !== undefined; id = parent.get(id))
    frames.push(byId.get(id)!);
  return frames;
});
const serving = stacks.map((frames) => frames.some((f) => area(f.callFrame.url) === "hono"));
const first = Math.max(0, serving.indexOf(true));
const last = serving.lastIndexOf(true) === -1 ? stacks.length - 1 : serving.lastIndexOf(true);

const self = new Map<string, number>();
const total = new Map<string, number>();
const areas = new Map<string, number>();
let all = 0;
for (let i = first; i <= last; i++) {
  const delta = profile.timeDeltas[i] ?? 0;
  all += delta;
  const node = stacks[i]![0]!;
  self.set(key(node), (self.get(key(node)) ?? 0) + delta);
  const where = area(node.callFrame.url);
  areas.set(where, (areas.get(where) ?? 0) + delta);
  const seen = new Set<string>();
  for (const frame of stacks[i]!) {
    const k = key(frame);
    if (seen.has(k)) continue;
    seen.add(k);
    total.set(k, (total.get(k) ?? 0) + delta);
  }
}

function print(title: string, map: Map<string, number>, count: number) {
  console.log(`\n${title}`);
  for (const [k, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, count)) {
    console.log(`${((us / all) * 100).toFixed(1).padStart(6)} %  ${k}`);
  }
}

console.log(`${file}: ${(all / 1e6).toFixed(1)} s while serving requests`);
print("self time by function", self, top);
print("total time by function (inclusive)", total, top);
print(
  "total time in Cairn's own functions",
  new Map([...total].filter(([k]) => /\s(packages|apps)\//.test(k))),
  top,
);
print("self time by package or file", areas, top);

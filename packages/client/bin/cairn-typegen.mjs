#!/usr/bin/env node
// The `cairn-typegen` bin: Node's file system, fetch and process around runTypegen().
// Resolves its own package by name, so the "source" condition (tsx) runs src/ and Node runs dist/.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { runTypegen } from "@cairn/client/typegen";

runTypegen(process.argv.slice(2), {
  readFile: (path) => readFile(path, "utf8"),
  writeFile: async (path, text) => {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  },
  fetch: (input, init) => globalThis.fetch(input, init),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`cairn-typegen: ${error?.stack ?? error}\n`);
    process.exitCode = 1;
  },
);

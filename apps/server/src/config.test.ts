import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseSize } from "./config.js";

describe("loadConfig", () => {
  it("has defaults that run an embedded server on port 8090", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8090,
      host: "127.0.0.1",
      databaseUrl: undefined,
      dataDir: resolve("cairn_data"),
      publicUrl: undefined,
      logLevel: "info",
      corsOrigins: ["*"],
      bodyLimit: 10 * 1024 * 1024,
      shutdownTimeoutMs: 10_000,
      trustProxy: false,
      authRateLimit: 30,
    });
    expect(config.consoleDir).toMatch(/apps\/console\/dist$/);
  });

  it("reads every variable", () => {
    const config = loadConfig({
      PORT: "9000",
      CAIRN_HOST: "0.0.0.0",
      DATABASE_URL: "postgres://postgres@127.0.0.1:5432/app",
      CAIRN_DATA_DIR: "/var/lib/cairn",
      CAIRN_PUBLIC_URL: "https://api.example.com/",
      CAIRN_LOG_LEVEL: "debug",
      CAIRN_CORS_ORIGINS: "https://app.example.com, https://admin.example.com",
      CAIRN_BODY_LIMIT: "512kb",
      CAIRN_SHUTDOWN_TIMEOUT_MS: "2500",
      CAIRN_TRUST_PROXY: "true",
      CAIRN_AUTH_RATE_LIMIT: "100",
      CAIRN_CONSOLE_DIR: "/srv/console",
    });
    expect(config).toEqual({
      port: 9000,
      host: "0.0.0.0",
      databaseUrl: "postgres://postgres@127.0.0.1:5432/app",
      dataDir: "/var/lib/cairn",
      publicUrl: "https://api.example.com",
      logLevel: "debug",
      corsOrigins: ["https://app.example.com", "https://admin.example.com"],
      bodyLimit: 512 * 1024,
      shutdownTimeoutMs: 2500,
      trustProxy: true,
      authRateLimit: 100,
      consoleDir: "/srv/console",
    });
  });

  it("treats empty values as unset", () => {
    expect(loadConfig({ DATABASE_URL: "", CAIRN_PUBLIC_URL: " " })).toMatchObject({
      databaseUrl: undefined,
      publicUrl: undefined,
    });
  });

  it("names every invalid variable at once", () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: "http",
        DATABASE_URL: "mysql://localhost/db",
        CAIRN_LOG_LEVEL: "loud",
        CAIRN_BODY_LIMIT: "lots",
        CAIRN_PUBLIC_URL: "ftp://x",
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    for (const name of [
      "PORT",
      "DATABASE_URL",
      "CAIRN_LOG_LEVEL",
      "CAIRN_BODY_LIMIT",
      "CAIRN_PUBLIC_URL",
    ]) {
      expect(problems).toContain(`${name}:`);
    }
  });
});

describe("parseSize", () => {
  it.each([
    ["1048576", 1048576],
    ["10mb", 10485760],
    ["512KB", 524288],
    ["1.5 kb", 1536],
    ["1gb", 1073741824],
  ])("%s → %d bytes", (input, bytes) => {
    expect(parseSize(input)).toBe(bytes);
  });

  it.each(["", "ten", "-5", "5tb", "1e3"])("refuses %j", (input) => {
    expect(parseSize(input)).toBeUndefined();
  });
});

import pino, { type Logger } from "pino";
import type { Config } from "./config.js";

export type { Logger };

/** JSON lines on stdout. Credentials are redacted wherever a careless log call might carry them. */
export function createLogger(
  options: Pick<Config, "logLevel">,
  destination?: pino.DestinationStream,
): Logger {
  return pino(
    {
      level: options.logLevel,
      base: { service: "cairn" },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          "*.password",
          "*.token",
          "*.authorization",
          "*.cookie",
          "*.headers.authorization",
          "*.headers.cookie",
          "password",
          "token",
          "authorization",
          "cookie",
        ],
        censor: "[redacted]",
      },
    },
    destination,
  );
}

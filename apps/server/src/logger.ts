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
    // Asynchronous: a busy server writes many lines per system call instead of one each; pino
    // flushes what is left when the process exits.
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

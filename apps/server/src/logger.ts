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
    destination ?? bufferedStdout(),
  );
}

/** How long a line may wait in the buffer. */
const flushIntervalMs = 200;

/**
 * stdout, written a few KiB at a time: a busy server makes one system call per 4 KiB of lines
 * instead of one per line (each request logs one). A timer writes what a quiet server holds within
 * flushIntervalMs; pino writes the rest synchronously when the process exits.
 */
function bufferedStdout(): pino.DestinationStream {
  const stream = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  setInterval(() => {
    // flush() leaves a buffer to a write in progress, which takes it along when it ends.
    if (!(stream as unknown as { destroyed: boolean }).destroyed) stream.flush();
  }, flushIntervalMs).unref();
  return stream;
}

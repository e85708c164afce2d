// An exclusive lock on a PGlite data directory. PGlite is one process's database: two processes
// opening the same files would corrupt them, and PGlite itself has no cross-process lock.
// The lock file holds the owner's pid; a lock whose process is gone is stale and taken over.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";

export class DataDirInUseError extends Error {
  readonly code = "DATA_DIR_IN_USE";
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `Data directory "${dataDir}" is in use by another Cairn process (pid ${pid}). ` +
        "Stop that process first, or point CAIRN_DATA_DIR at another directory.",
    );
    this.name = "DataDirInUseError";
  }
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readOwner(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Lock files this process holds: the file alone cannot tell our live lock from a stale one. */
const heldHere = new Set<string>();

/** Takes `<dir>/<name>` exclusively for this process, or throws DataDirInUseError. */
export function lockDataDir(dir: string, name = "pglite.lock"): DataDirLock {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  if (heldHere.has(path)) throw new DataDirInUseError(dir, process.pid);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, "wx", 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      heldHere.add(path);
      let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          heldHere.delete(path);
          if (readOwner(path) === process.pid) rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = readOwner(path);
      // Our own pid in the file means a previous incarnation of this process (a container's
      // pid 1 restarted) left it behind; an unreadable file is a crash mid-write.
      if (owner !== undefined && owner !== process.pid && processIsAlive(owner)) {
        throw new DataDirInUseError(dir, owner);
      }
      rmSync(path, { force: true });
    }
  }
  throw new Error(`Could not take the lock ${path}: it keeps reappearing.`);
}

// When a failed delivery is tried again: a fixed schedule with jitter (so a receiver coming back
// is not hit by every retry at once), stretched by the receiver's Retry-After.

const second = 1_000;
const minute = 60 * second;
const hour = 60 * minute;

/** Delay before each attempt of one schedule: immediately, 5 s, 5 min, … 24 h; then failed. */
export const retryDelaysMs = [
  0,
  5 * second,
  5 * minute,
  30 * minute,
  2 * hour,
  5 * hour,
  10 * hour,
  14 * hour,
  20 * hour,
  24 * hour,
] as const;
export const maxAttempts = retryDelaysMs.length;
/** ±10 % on every delay. */
export const jitter = 0.1;
/** The longest wait a Retry-After can ask for. */
export const retryAfterCapMs = 24 * hour;
/** An endpoint whose attempts all failed this long (no success since) is disabled. */
export const disableAfterMs = 5 * 24 * hour;

/**
 * The wait before the next attempt after `made` attempts of this schedule failed, or null when
 * the schedule is spent and the delivery fails for good.
 */
export function retryDelay(made: number, random: () => number = Math.random): number | null {
  const base = retryDelaysMs[made];
  if (base === undefined) return null;
  return Math.round(base * (1 - jitter + 2 * jitter * random()));
}

/** A Retry-After header (seconds or an HTTP date) as milliseconds from `now`, capped. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * second;
  else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    ms = at - now.getTime();
  }
  return Math.min(Math.max(ms, 0), retryAfterCapMs);
}

/**
 * The API's traffic: every request that passed the key check, counted per wall-clock second
 * and per method and path, and the read-rate cap that answers reads past it with Stripe's 429.
 * Kept in memory beside the state (never persisted): it describes this run's requests, not
 * Stripe's objects.
 *
 * The cap is a sliding window, as strict as a rate limit can be: a GET is refused when the
 * same key already had `readsPerSecond` reads served in the last 1000 ms. Refused reads do not
 * count against the window; they are counted as `limited`.
 */

export interface TrafficSecond {
  /** Unix time, whole seconds (real time: the control API's clock does not move it). */
  second: number;
  /** GETs served (answered by the API, whatever the status), not refused by the cap. */
  reads: number;
  /** Other methods, all served: the cap is on reads. */
  writes: number;
  /** GETs answered 429 by the cap. */
  limited: number;
}

export interface TrafficReport {
  /** The cap: reads per second per secret key; null when reads are not capped. */
  readsPerSecond: number | null;
  reads: number;
  writes: number;
  limited: number;
  /** The last ten minutes, oldest first; seconds without requests are left out. */
  seconds: TrafficSecond[];
  /** Served requests by `METHOD /v1/path` (the first 10,000 distinct ones). */
  calls: Record<string, number>;
}

const WINDOW_MS = 1_000;
const KEEP_SECONDS = 600;
const MAX_DISTINCT_CALLS = 10_000;

export class Traffic {
  private cap: number | null = null;
  /** Times (ms) of each key's reads served within the last window, oldest first. */
  private readonly recentReads = new Map<string, number[]>();
  private readonly perSecond = new Map<number, TrafficSecond>();
  private readonly calls = new Map<string, number>();
  private totals = { reads: 0, writes: 0, limited: 0 };

  get readsPerSecond(): number | null {
    return this.cap;
  }

  /** Caps reads per second per key; null lifts the cap. */
  setReadsPerSecond(cap: number | null): void {
    this.cap = cap;
    this.recentReads.clear();
  }

  /** Counts one request; false when it is a read past the cap, to be answered 429. */
  admit(key: string, method: string, path: string, nowMs = Date.now()): boolean {
    const isRead = method === "GET";
    const bucket = this.bucket(nowMs);
    if (isRead && this.cap !== null) {
      const recent = (this.recentReads.get(key) ?? []).filter((at) => at > nowMs - WINDOW_MS);
      if (recent.length >= this.cap) {
        this.recentReads.set(key, recent);
        bucket.limited += 1;
        this.totals.limited += 1;
        return false;
      }
      recent.push(nowMs);
      this.recentReads.set(key, recent);
    }
    if (isRead) {
      bucket.reads += 1;
      this.totals.reads += 1;
    } else {
      bucket.writes += 1;
      this.totals.writes += 1;
    }
    const call = `${method} ${path}`;
    const count = this.calls.get(call);
    if (count !== undefined) this.calls.set(call, count + 1);
    else if (this.calls.size < MAX_DISTINCT_CALLS) this.calls.set(call, 1);
    return true;
  }

  report(): TrafficReport {
    return {
      readsPerSecond: this.cap,
      ...this.totals,
      seconds: [...this.perSecond.values()].sort((a, b) => a.second - b.second),
      calls: Object.fromEntries(this.calls),
    };
  }

  /** Forgets the counts; the cap stays. */
  clearCounts(): void {
    this.perSecond.clear();
    this.calls.clear();
    this.totals = { reads: 0, writes: 0, limited: 0 };
  }

  /** Forgets the counts and lifts the cap. */
  reset(): void {
    this.clearCounts();
    this.setReadsPerSecond(null);
  }

  private bucket(nowMs: number): TrafficSecond {
    const second = Math.floor(nowMs / 1000);
    let bucket = this.perSecond.get(second);
    if (!bucket) {
      bucket = { second, reads: 0, writes: 0, limited: 0 };
      this.perSecond.set(second, bucket);
      for (const old of this.perSecond.keys()) {
        if (old <= second - KEEP_SECONDS) this.perSecond.delete(old);
      }
    }
    return bucket;
  }
}

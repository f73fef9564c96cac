import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startUsageFlushTimer } from "./flush-timer";
import type { FlushResult } from "./report";

const done: FlushResult = { sent: 0, failed: 0, abandoned: 0, remaining: 0 };

let stop: (() => void) | undefined;
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  stop?.();
  stop = undefined;
  vi.useRealTimers();
});

describe("startUsageFlushTimer", () => {
  it("flushes on every tick and keeps going after a failed round", async () => {
    const flush = vi
      .fn<() => Promise<FlushResult>>()
      .mockRejectedValueOnce(new Error("database down"))
      .mockResolvedValue(done);
    stop = startUsageFlushTimer({ intervalMs: 1_000, flush });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(flush).toHaveBeenCalledTimes(3);
  });

  it("skips a tick while the previous round is still running", async () => {
    let finish: (result: FlushResult) => void = () => undefined;
    const flush = vi.fn(
      () =>
        new Promise<FlushResult>((resolve) => {
          finish = resolve;
        }),
    );
    stop = startUsageFlushTimer({ intervalMs: 1_000, flush });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(flush).toHaveBeenCalledTimes(1);
    finish(done);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(flush).toHaveBeenCalledTimes(2);
  });

  it("starts one timer per process and stops it", async () => {
    const flush = vi.fn(async () => done);
    stop = startUsageFlushTimer({ intervalMs: 1_000, flush });
    const second = startUsageFlushTimer({ intervalMs: 1_000, flush: vi.fn(async () => done) });
    expect(second).toBe(stop);
    stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(flush).not.toHaveBeenCalled();
  });
});

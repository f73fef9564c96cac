import { describe, expect, it } from "vitest";
import { ConnectionBreaker } from "./connection-breaker";

function breakerAt(start = 0) {
  const clock = { now: start };
  const breaker = new ConnectionBreaker(500, () => clock.now);
  return { breaker, clock };
}

describe("ConnectionBreaker", () => {
  it("lets every attempt out while the database answers", () => {
    const { breaker } = breakerAt();
    expect(breaker.allowAttempt()).toBe(true);
    expect(breaker.allowAttempt()).toBe(true);
    breaker.answered();
    expect(breaker.isOpen).toBe(false);
    expect(breaker.allowAttempt()).toBe(true);
  });

  it("opens on an attempt that does not reach the server and refuses attempts until the interval has passed", () => {
    const { breaker, clock } = breakerAt(1_000);
    expect(breaker.unreachable()).toBe(true);
    expect(breaker.isOpen).toBe(true);
    expect(breaker.allowAttempt()).toBe(false);
    clock.now = 1_499;
    expect(breaker.allowAttempt()).toBe(false);
    expect(breaker.retryAfterSeconds()).toBe(1);
  });

  it("lets one trial out per interval while open, and closes when the trial is answered", () => {
    const { breaker, clock } = breakerAt();
    breaker.unreachable();
    clock.now = 500;
    expect(breaker.allowAttempt()).toBe(true);
    expect(breaker.allowAttempt()).toBe(false);
    clock.now = 5_000;
    expect(breaker.allowAttempt()).toBe(false);
    expect(breaker.answered()).toBe(true);
    expect(breaker.isOpen).toBe(false);
    expect(breaker.allowAttempt()).toBe(true);
  });

  it("waits another interval after a failed trial", () => {
    const { breaker, clock } = breakerAt();
    breaker.unreachable();
    clock.now = 600;
    expect(breaker.allowAttempt()).toBe(true);
    clock.now = 2_100;
    expect(breaker.unreachable()).toBe(false);
    expect(breaker.allowAttempt()).toBe(false);
    clock.now = 2_600;
    expect(breaker.allowAttempt()).toBe(true);
  });

  it("frees the trial slot when an attempt ends without a verdict", () => {
    const { breaker, clock } = breakerAt();
    breaker.unreachable();
    clock.now = 500;
    expect(breaker.allowAttempt()).toBe(true);
    breaker.inconclusive();
    expect(breaker.isOpen).toBe(true);
    expect(breaker.allowAttempt()).toBe(true);
  });

  it("advises at least a second of Retry-After, rounded up", () => {
    const { breaker, clock } = breakerAt();
    const slow = new ConnectionBreaker(2_500, () => clock.now);
    slow.unreachable();
    expect(slow.retryAfterSeconds()).toBe(3);
    breaker.unreachable();
    clock.now = 10_000;
    expect(breaker.retryAfterSeconds()).toBe(1);
  });
});

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startTestEmulator } from "./testing";

const folder = mkdtempSync(path.join(tmpdir(), "tollgate-emulator-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("persistence", () => {
  it("keeps state in its data file across a restart", async () => {
    const dataFile = path.join(folder, "nested", "state.json");
    const first = await startTestEmulator({ dataFile });
    const customer = await first.stripe.customers.create({ email: "kept@example.com" });
    const endpoint = await first.stripe.webhookEndpoints.create({
      url: "http://127.0.0.1:9/hook",
      enabled_events: ["*"],
    });
    await first.close();
    expect(readFileSync(dataFile, "utf8")).toContain(customer.id);

    const second = await startTestEmulator({ dataFile });
    try {
      expect((await second.stripe.customers.retrieve(customer.id)).id).toBe(customer.id);
      expect((await second.stripe.webhookEndpoints.list()).data.map((found) => found.id)).toEqual([
        endpoint.id,
      ]);
      const next = await second.stripe.customers.create({ email: "after@example.com" });
      expect(
        (await second.stripe.customers.list({ limit: 2 })).data.map((found) => found.id),
      ).toEqual([next.id, customer.id]);
    } finally {
      await second.close();
    }
  });

  it("keeps deliveries still to be retried across a restart, and saves without a close", async () => {
    const dataFile = path.join(folder, "queue.json");
    const first = await startTestEmulator({ dataFile, webhookRetrySchedule: [60_000] });
    await first.stripe.webhookEndpoints.create({
      url: "http://127.0.0.1:9/unreachable",
      enabled_events: ["customer.created"],
    });
    const customer = await first.stripe.customers.create({ email: "queued@example.com" });
    await first.control("POST", "/deliveries/flush", { horizonMs: 0 });
    const { body } = await first.control<{ queued: number; data: Array<{ ok: boolean }> }>(
      "GET",
      "/deliveries",
    );
    expect(body.data.map((attempt) => attempt.ok)).toEqual([false]);
    expect(body.queued).toBe(1);
    // The debounced save lands without a close.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const saved = JSON.parse(readFileSync(dataFile, "utf8")) as {
      queue: Array<{ attempt: number }>;
    };
    expect(saved.queue.map((item) => item.attempt)).toEqual([2]);
    expect(readFileSync(dataFile, "utf8")).toContain(customer.id);
    await first.close();

    const second = await startTestEmulator({ dataFile, webhookRetrySchedule: [60_000] });
    try {
      const after = await second.control<{ queued: number }>("GET", "/deliveries");
      expect(after.body.queued).toBe(1);
    } finally {
      await second.close();
    }
  });

  it("keeps state in memory only without a data file", async () => {
    const first = await startTestEmulator();
    const customer = await first.stripe.customers.create({ email: "gone@example.com" });
    await first.close();
    const second = await startTestEmulator();
    try {
      await expect(second.stripe.customers.retrieve(customer.id)).rejects.toThrow(
        /No such customer/,
      );
    } finally {
      await second.close();
    }
  });
});

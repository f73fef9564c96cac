/**
 * Resident memory of a process and every process under it (Linux /proc), sampled while a
 * benchmark runs: `next start` may serve from child processes.
 */
import { readdirSync, readFileSync } from "node:fs";

function children(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, "utf8")
        .split(" ")
        .filter(Boolean)
        .map(Number),
    );
  } catch {
    return [];
  }
}

function rssOf(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8")
      .split("\n")
      .find((entry) => entry.startsWith("VmRSS:"));
    return Number(line?.match(/(\d+)/)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Bytes resident in `pid` and its descendants now (0 once it has exited). */
export function treeRss(pid: number): number {
  return rssOf(pid) + children(pid).reduce((sum, child) => sum + treeRss(child), 0);
}

/** Samples `pid`'s tree every `everyMs`; `peak` is the highest seen since the last `reset`. */
export function rssSampler(pid: number, everyMs = 100) {
  let peak = treeRss(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, treeRss(pid));
  }, everyMs);
  timer.unref();
  return {
    now: () => treeRss(pid),
    peak: () => Math.max(peak, treeRss(pid)),
    reset: () => {
      peak = treeRss(pid);
    },
    stop: () => clearInterval(timer),
  };
}

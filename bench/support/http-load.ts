/**
 * Load over HTTP as browsers send it (keep-alive, gzip accepted): `clients` loops, each sending
 * its next request as soon as the last one's body has been read in full — so a streamed page
 * counts until its last chunk. Every answer must be 200; anything else throws.
 */
import http from "node:http";
import { performance } from "node:perf_hooks";
import { gunzipSync } from "node:zlib";

export interface Target {
  url: string;
  headers: Record<string, string>;
}

export interface Sample {
  /** Milliseconds from sending to the last body byte, per request. */
  ms: number[];
  seconds: number;
}

export interface Weight {
  /** Body bytes as sent (gzip, as a browser accepts it). */
  wire: number;
  /** Body bytes once decompressed. */
  decoded: number;
}

function get(
  agent: http.Agent,
  target: Target,
): Promise<{ status: number; body: Buffer; encoding: string | undefined }> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      target.url,
      { agent, headers: { "accept-encoding": "gzip", ...target.headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks),
            encoding: response.headers["content-encoding"],
          }),
        );
        response.on("error", reject);
      },
    );
    request.on("error", reject);
  });
}

async function getOk(agent: http.Agent, target: Target): Promise<void> {
  // A kept connection the server closed as it was reused: sent again, as a browser would.
  const answer = await get(agent, target).catch(() => get(agent, target));
  if (answer.status !== 200) {
    throw new Error(
      `GET ${target.url} answered ${answer.status}: ${answer.body.toString().slice(0, 300)}`,
    );
  }
}

/** One request's transferred and decoded body size. */
export async function weigh(target: Target): Promise<Weight> {
  const agent = new http.Agent({ keepAlive: false });
  const answer = await get(agent, target);
  if (answer.status !== 200) throw new Error(`GET ${target.url} answered ${answer.status}`);
  const decoded = answer.encoding === "gzip" ? gunzipSync(answer.body).length : answer.body.length;
  return { wire: answer.body.length, decoded };
}

/**
 * `clients` concurrent loops on `target` until `seconds` have passed and at least `minRequests`
 * were answered, but never past `maxSeconds`.
 */
export async function load(
  target: Target,
  {
    clients,
    seconds,
    minRequests,
    maxSeconds,
  }: {
    clients: number;
    seconds: number;
    minRequests: number;
    maxSeconds: number;
  },
): Promise<Sample> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const ms: number[] = [];
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const more = () => elapsed() < maxSeconds && (elapsed() < seconds || ms.length < minRequests);
  try {
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (more()) {
          const sent = performance.now();
          await getOk(agent, target);
          ms.push(performance.now() - sent);
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  return { ms, seconds: elapsed() };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
}

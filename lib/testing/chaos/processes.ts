/**
 * The app's processes for the chaos harness, as production runs them: `next start` (build
 * first) and the job worker of `npm run worker`, spawned from this checkout with the
 * environment they are given. Each writes its output to a log file of its own; an exit nobody
 * asked for is recorded, so the harness can say which process crashed and where its log is.
 *
 * Imports nothing from the app: a test, a bench or a script can use it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export interface AppProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** How the process ended when nobody asked it to; null while it runs (or after `stop`). */
  readonly crash: { code: number | null; signal: NodeJS.Signals | null } | null;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface AppServer extends AppProcess {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
}

/** A TCP port nothing listens on now (the OS's choice). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === "string") throw new Error("no port from the OS");
  return address.port;
}

function watch(
  name: string,
  child: ChildProcess,
  logFile: string,
): AppProcess & { exited: Promise<void> } {
  const log = createWriteStream(logFile, { flags: "a" });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  let stopping = false;
  let crash: AppProcess["crash"] = null;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      if (!stopping) crash = { code, signal };
      log.end();
      resolve();
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name} did not start`);
  return {
    name,
    pid,
    logFile,
    get crash() {
      return crash;
    },
    exited,
    async stop(graceMs = 10_000) {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const killed = await Promise.race([exited.then(() => true), sleep(graceMs, false)]);
      if (!killed) {
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}

const root = process.cwd();

/** `next start` on 127.0.0.1:`port` (the build in .next), with `env` added to this process's. */
export function startNextServer(
  name: string,
  port: number,
  env: NodeJS.ProcessEnv,
  logDir: string,
): AppServer {
  const nextBin = createRequire(path.join(root, "package.json")).resolve("next/dist/bin/next");
  const child = spawn(
    process.execPath,
    [nextBin, "start", "--hostname", "127.0.0.1", "--port", String(port)],
    { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  const watched = watch(name, child, path.join(logDir, `${name}.log`));
  return Object.assign(watched, { url: `http://127.0.0.1:${port}` });
}

/**
 * The job worker: what `npm run worker` runs (scripts/worker.ts under tsx with the
 * react-server condition), as one Node process so its pid is the worker's own.
 */
export function startWorkerProcess(
  name: string,
  env: NodeJS.ProcessEnv,
  logDir: string,
): AppProcess {
  const child = spawn(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", path.join(root, "scripts/worker.ts")],
    { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  return watch(name, child, path.join(logDir, `${name}.log`));
}

/** GET `url` until it answers 200, or throws after `timeoutMs` (or when `process` crashed). */
export async function waitForOk(
  url: string,
  { timeoutMs = 90_000, process: watched }: { timeoutMs?: number; process?: AppProcess } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (watched?.crash) {
      throw new Error(
        `${watched.name} exited (${JSON.stringify(watched.crash)}); see ${watched.logFile}`,
      );
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(250);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (${last})`);
}

/**
 * Lines of a process's log that report an uncaught exception or an unhandled rejection: Next
 * logs them and carries on, so an exit code alone would not show them.
 */
export function uncaughtErrorsIn(process: AppProcess): string[] {
  let text: string;
  try {
    text = readFileSync(process.logFile, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter((line) => /uncaughtException|unhandledRejection/.test(line))
    .map((line) => `${process.name}: ${line.slice(0, 300)}`);
}

/**
 * Test support: what the app's logger writes, line by line, as JSON — after its own redaction
 * and serializers, so a test sees exactly what a log shipper would. Swaps the logger's
 * destination (pino's documented `symbols.streamSym`) and level until `restore()`.
 */
import pino from "pino";
import { log } from "@/lib/log";

export interface CapturedLog {
  /** Everything written so far, as it was written. */
  text(): string;
  /** Each line parsed. */
  lines(): Record<string, unknown>[];
  restore(): void;
}

export function captureLog(level: pino.LevelWithSilent = "info"): CapturedLog {
  const previousStream: unknown = Reflect.get(log, pino.symbols.streamSym);
  const previousLevel = log.level;
  const chunks: string[] = [];
  const destination: pino.DestinationStream = {
    write(chunk: string) {
      chunks.push(chunk);
    },
  };
  Reflect.set(log, pino.symbols.streamSym, destination);
  log.level = level;
  return {
    text: () => chunks.join(""),
    lines: () =>
      chunks
        .join("")
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    restore() {
      Reflect.set(log, pino.symbols.streamSym, previousStream);
      log.level = previousLevel;
    },
  };
}

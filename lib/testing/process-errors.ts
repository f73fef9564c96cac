/**
 * Test support: every uncaught exception and unhandled rejection in this process, from the call
 * until `stop()`. A test of an outage asserts that none was seen; while watching, one does not
 * end the process (the test reports it instead).
 */
export interface ProcessErrors {
  readonly seen: readonly unknown[];
  stop(): void;
}

export function watchProcessErrors(): ProcessErrors {
  const seen: unknown[] = [];
  const record = (error: unknown) => {
    seen.push(error);
  };
  process.on("uncaughtException", record);
  process.on("unhandledRejection", record);
  return {
    seen,
    stop() {
      process.off("uncaughtException", record);
      process.off("unhandledRejection", record);
    },
  };
}

/** Runs once when a Next server starts; the work is Node-only (see instrumentation-node.ts). */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { openDatabaseAtStartup, trustConnectionAddress } = await import(
      "./instrumentation-node"
    );
    trustConnectionAddress();
    await openDatabaseAtStartup();
  }
}

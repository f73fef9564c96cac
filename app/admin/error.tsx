"use client";

import { Button } from "@/components/ui/button";

/**
 * What an admin page shows when it fails to render. The cause is logged on the server; the
 * page shows only the reference that finds it there, and can be loaded again.
 */
export default function AdminError({ error, retry }: { error: unknown; retry: () => void }) {
  const digest =
    error instanceof Error && "digest" in error && typeof error.digest === "string"
      ? error.digest
      : null;
  return (
    <div role="alert" className="max-w-xl rounded-xl border border-red-200 bg-red-50 p-6">
      <h1 className="text-lg font-semibold text-red-900">This admin page could not be shown</h1>
      <p className="mt-2 text-sm text-red-800">
        Loading its data failed. Try again; if it keeps failing, the server log has the cause.
      </p>
      {digest && <p className="mt-2 text-xs text-red-800">Reference: {digest}</p>}
      <Button onClick={() => retry()} className="mt-4">
        Try again
      </Button>
    </div>
  );
}

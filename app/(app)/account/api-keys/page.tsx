import type { Metadata } from "next";
import { SubmitButton } from "@/components/ui/submit-button";
import { Cell, EmptyState, Row, RowHeader, Table } from "@/components/ui/table";
import { Moment } from "@/components/ui/time";
import { getDb } from "@/db";
import { listApiKeys } from "@/lib/auth/api-keys";
import { requireUser } from "@/lib/auth/session";
import { revokeApiKeyAction } from "./actions";
import { CreateApiKeyForm } from "./create-api-key-form";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  const user = await requireUser("/account/api-keys");
  const keys = await listApiKeys(await getDb(), user.id);

  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">API keys</h1>
      <p className="mt-2 max-w-2xl text-sm text-slate-600">
        Programs use a key to report usage: send it as{" "}
        <code>Authorization: Bearer &lt;key&gt;</code>. A key acts as you; revoke any key you no
        longer use.
      </p>
      <section aria-labelledby="new-key" className="mt-8">
        <h2 id="new-key" className="text-lg font-semibold text-slate-900">
          New key
        </h2>
        <div className="mt-3">
          <CreateApiKeyForm />
        </div>
      </section>
      <section aria-labelledby="your-keys" className="mt-10">
        <h2 id="your-keys" className="text-lg font-semibold text-slate-900">
          Your keys
        </h2>
        <div className="mt-3">
          {keys.length === 0 ? (
            <EmptyState>You have no API keys yet.</EmptyState>
          ) : (
            <Table
              caption="Your API keys"
              minWidth="min-w-[36rem]"
              columns={["Name", "Key", "Created", "Last used", { label: "Actions", hidden: true }]}
            >
              {keys.map((key) => (
                <Row key={key.id}>
                  <RowHeader>{key.name}</RowHeader>
                  <Cell className="font-mono text-xs">{key.prefix}_…</Cell>
                  <Cell>
                    <Moment date={key.createdAt} />
                  </Cell>
                  <Cell>{key.lastUsedAt ? <Moment date={key.lastUsedAt} /> : "Never"}</Cell>
                  <Cell className="text-right">
                    <form action={revokeApiKeyAction}>
                      <input type="hidden" name="keyId" value={key.id} />
                      <SubmitButton variant="danger" pendingLabel="Revoking…">
                        Revoke<span className="sr-only"> {key.name}</span>
                      </SubmitButton>
                    </form>
                  </Cell>
                </Row>
              ))}
            </Table>
          )}
        </div>
      </section>
    </>
  );
}

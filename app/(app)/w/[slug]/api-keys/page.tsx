import type { Metadata } from "next";
import { SubmitButton } from "@/components/ui/submit-button";
import { Cell, EmptyState, Row, RowHeader, Table } from "@/components/ui/table";
import { Moment } from "@/components/ui/time";
import { getDb } from "@/db";
import { listApiKeys } from "@/lib/auth/api-keys";
import { NEEDS } from "@/lib/workspaces/access";
import { requireWorkspacePage } from "@/lib/workspaces/request";
import { revokeApiKeyAction } from "./actions";
import { CreateApiKeyForm } from "./create-api-key-form";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { workspace } = await requireWorkspacePage(slug, NEEDS.apiKeys, `/w/${slug}/api-keys`);
  const keys = await listApiKeys(await getDb(), workspace.id);

  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">API keys</h1>
      <p className="mt-2 max-w-2xl text-sm text-slate-600">
        Programs use a key to report usage: send it as{" "}
        <code>Authorization: Bearer &lt;key&gt;</code>. A key acts as the person who made it, in
        this workspace, for as long as they are a member of it; revoke any key no longer in use.
      </p>
      <section aria-labelledby="new-key" className="mt-8">
        <h2 id="new-key" className="text-lg font-semibold text-slate-900">
          New key
        </h2>
        <div className="mt-3">
          <CreateApiKeyForm slug={workspace.slug} />
        </div>
      </section>
      <section aria-labelledby="your-keys" className="mt-10">
        <h2 id="your-keys" className="text-lg font-semibold text-slate-900">
          This workspace’s keys
        </h2>
        <div className="mt-3">
          {keys.length === 0 ? (
            <EmptyState>This workspace has no API keys yet.</EmptyState>
          ) : (
            <Table
              caption="API keys"
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
                      <input type="hidden" name="slug" value={workspace.slug} />
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

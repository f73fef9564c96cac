import type { Metadata } from "next";
import { SubmitButton } from "@/components/ui/submit-button";
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
        {keys.length === 0 ? (
          <p className="mt-3 text-sm text-slate-600">You have no API keys yet.</p>
        ) : (
          <div className="relative mt-3 overflow-x-auto rounded-xl border border-slate-200">
            <table className="w-full min-w-[36rem] text-left text-sm">
              <caption className="sr-only">Your API keys</caption>
              <thead className="bg-slate-50 text-slate-700">
                <tr>
                  <th scope="col" className="px-4 py-2 font-medium">
                    Name
                  </th>
                  <th scope="col" className="px-4 py-2 font-medium">
                    Key
                  </th>
                  <th scope="col" className="px-4 py-2 font-medium">
                    Created
                  </th>
                  <th scope="col" className="px-4 py-2 font-medium">
                    Last used
                  </th>
                  <th scope="col" className="px-4 py-2 font-medium">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {keys.map((key) => (
                  <tr key={key.id}>
                    <th scope="row" className="px-4 py-2 font-medium text-slate-900">
                      {key.name}
                    </th>
                    <td className="px-4 py-2 font-mono text-xs">{key.prefix}_…</td>
                    <td className="px-4 py-2">
                      <Moment date={key.createdAt} />
                    </td>
                    <td className="px-4 py-2">
                      {key.lastUsedAt ? <Moment date={key.lastUsedAt} /> : "Never"}
                    </td>
                    <td className="px-4 py-2 text-right">
                      <form action={revokeApiKeyAction}>
                        <input type="hidden" name="keyId" value={key.id} />
                        <SubmitButton variant="danger" pendingLabel="Revoking…">
                          Revoke<span className="sr-only"> {key.name}</span>
                        </SubmitButton>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

import { describe, expect, it, vi } from "vitest";
import { users } from "@/db/schema";
import { useAppDatabase } from "@/db/testing";
import { IDLE } from "@/lib/form-state";
import { sessionCookie, testForm, testRequest } from "@/lib/testing/http";
import { addTestMember } from "@/lib/testing/workspace-members";
import {
  createWorkspace,
  ensurePersonalWorkspace,
  listWorkspacesOf,
} from "@/lib/workspaces/workspaces";
import { createWorkspaceAction } from "./actions";
import { GET as oldApiKeys } from "./api-keys/route";
import { GET as oldBilling } from "./billing/route";
import { GET as oldCheckout, POST as oldCheckoutPost } from "./checkout/route";
import { GET as oldInvoices } from "./invoices/route";
import { GET as oldUsage } from "./usage/route";

// The request a route handler or server action runs in is Next's; here it is a stand-in: the
// headers `auth()` reads and the cookies `currentWorkspaceOf` reads. Auth.js, the session
// checks and the database are real.
const nextRequest = vi.hoisted(() => ({
  headers: new Headers(),
  cookies: new Map<string, string>(),
}));
vi.mock("next/headers", () => ({
  headers: async () => nextRequest.headers,
  cookies: async () => ({
    get: (name: string) => {
      const value = nextRequest.cookies.get(name);
      return value === undefined ? undefined : { name, value };
    },
    set: (name: string, value: string) => nextRequest.cookies.set(name, value),
  }),
}));
vi.mock("next/cache", () => ({ revalidatePath() {} }));

const handle = useAppDatabase();

let sequence = 0;

/** A user with their personal workspace, and the cookie of a session of theirs. */
async function person(name: string) {
  sequence += 1;
  const [row] = await handle.db
    .insert(users)
    .values({ email: `${name}-${sequence}@example.com` })
    .returning();
  if (!row) throw new Error("no user");
  const personal = await ensurePersonalWorkspace(handle.db, row.id);
  return { id: row.id, personal, cookie: await sessionCookie({ id: row.id }) };
}

/** The browser's next request: its session cookie, and the workspace it last visited. */
function browserWith(cookie: string, current?: string): void {
  nextRequest.headers = new Headers({ cookie });
  nextRequest.cookies.clear();
  if (current) nextRequest.cookies.set("tollgate-workspace", current);
}

const location = (response: Response) => response.headers.get("location");

describe("the addresses from before workspaces", () => {
  it("lead to the same page of the current workspace, with the query string kept", async () => {
    const owner = await person("owner");
    const acme = await createWorkspace(handle.db, { userId: owner.id, name: "Acme" });
    const cases = [
      [
        oldBilling,
        "/account/billing?checkout=success&session_id=cs_123",
        "billing?checkout=success&session_id=cs_123",
      ],
      [oldInvoices, "/account/invoices?cursor=abc", "invoices?cursor=abc"],
      [oldUsage, "/account/usage", "usage"],
      [oldApiKeys, "/account/api-keys", "api-keys"],
      [oldCheckout, "/account/checkout?plan=pro&period=yearly", "checkout?plan=pro&period=yearly"],
    ] as const;
    for (const [handler, path, target] of cases) {
      browserWith(owner.cookie, acme.slug);
      const response = await handler(testRequest(path, { cookie: owner.cookie }));
      expect([path, response.status]).toEqual([path, 307]);
      expect(location(response)).toBe(`http://localhost:3000/w/acme/${target}`);
      // Without a remembered workspace: the personal one.
      browserWith(owner.cookie);
      const personal = await handler(testRequest(path, { cookie: owner.cookie }));
      expect(location(personal)).toBe(`http://localhost:3000/w/${owner.personal.slug}/${target}`);
    }
  });

  it("keep a form post a post (307) on its way to the workspace's checkout", async () => {
    const owner = await person("poster");
    browserWith(owner.cookie);
    const response = await oldCheckoutPost(
      testRequest("/account/checkout", { cookie: owner.cookie, body: "plan=pro&period=monthly" }),
    );
    expect(response.status).toBe(307);
    expect(location(response)).toBe(`http://localhost:3000/w/${owner.personal.slug}/checkout`);
  });

  it("ignore a remembered workspace the person is not a member of", async () => {
    const stranger = await person("stranger");
    const owner = await person("team-owner");
    const team = await createWorkspace(handle.db, { userId: owner.id, name: "Secret team" });
    browserWith(stranger.cookie, team.slug);
    const response = await oldUsage(testRequest("/account/usage", { cookie: stranger.cookie }));
    expect(location(response)).toBe(`http://localhost:3000/w/${stranger.personal.slug}/usage`);
  });

  it("lead a member to the team's usage, but to their own billing", async () => {
    const owner = await person("boss");
    const member = await person("member");
    const team = await createWorkspace(handle.db, { userId: owner.id, name: "Crew" });
    await addTestMember(handle.db, { workspaceId: team.id, userId: member.id, role: "member" });
    browserWith(member.cookie, team.slug);
    const usage = await oldUsage(testRequest("/account/usage", { cookie: member.cookie }));
    expect(location(usage)).toBe("http://localhost:3000/w/crew/usage");
    browserWith(member.cookie, team.slug);
    const billing = await oldBilling(testRequest("/account/billing", { cookie: member.cookie }));
    expect(location(billing)).toBe(`http://localhost:3000/w/${member.personal.slug}/billing`);
  });

  it("send a signed-out visitor to sign in, coming back to the old address", async () => {
    browserWith("");
    const response = await oldBilling(testRequest("/account/billing?notice=x"));
    expect(response.status).toBe(307);
    const target = new URL(location(response) ?? "");
    expect(target.pathname).toBe("/sign-in");
    expect(target.searchParams.get("callbackUrl")).toBe("/account/billing?notice=x");
  });
});

describe("creating a workspace on the account page", () => {
  it("makes the person its owner and opens its billing page", async () => {
    const founder = await person("founder");
    browserWith(founder.cookie);
    await expect(
      createWorkspaceAction(IDLE, testForm({ name: "Rocket Labs", slug: "" })),
    ).rejects.toMatchObject({ digest: expect.stringContaining(";/w/rocket-labs/billing;") });
    const mine = await listWorkspacesOf(handle.db, founder.id);
    expect(mine.map(({ workspace, role }) => [workspace.slug, role])).toEqual([
      [founder.personal.slug, "owner"],
      ["rocket-labs", "owner"],
    ]);
  });

  it("answers a taken, reserved or malformed address and a missing name beside their fields", async () => {
    const founder = await person("second-founder");
    await createWorkspace(handle.db, { userId: founder.id, name: "Taken", slug: "taken" });
    const cases = [
      [{ name: "Mine", slug: "taken" }, { slug: "The address “taken” is taken. Choose another." }],
      [
        { name: "Mine", slug: "personal-abc" },
        { slug: "Addresses starting with “personal-” are reserved." },
      ],
      [{ name: "Mine", slug: "-bad-" }, { slug: expect.stringContaining("lower-case letters") }],
      [{ name: "", slug: "" }, { name: "Give the workspace a name" }],
      [{ name: "!!!", slug: "" }, { slug: expect.stringContaining("Choose an address") }],
    ] as const;
    for (const [fields, errors] of cases) {
      browserWith(founder.cookie);
      const state = await createWorkspaceAction(IDLE, testForm(fields));
      expect(state).toMatchObject({ status: "error", fieldErrors: errors });
      expect(state.values).toMatchObject(fields);
    }
    expect(await listWorkspacesOf(handle.db, founder.id)).toHaveLength(2);
  });
});

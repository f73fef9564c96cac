import { describe, expect, it, vi } from "vitest";
import { users } from "@/db/schema";
import { useAppDatabase } from "@/db/testing";
import { IDLE } from "@/lib/form-state";
import { sessionCookie, testForm, testRequest } from "@/lib/testing/http";
import { insertMembership } from "@/lib/testing/workspace-members";
import {
  createWorkspace,
  ensurePersonalWorkspace,
  listWorkspacesOf,
} from "@/lib/workspaces/workspaces";
import { createWorkspaceAction } from "./actions";
import OldApiKeys from "./api-keys/page";
import OldBilling from "./billing/page";
import { GET as oldCheckout, POST as oldCheckoutPost } from "./checkout/route";
import OldInvoices from "./invoices/page";
import OldUsage from "./usage/page";

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

type OldPage = typeof OldBilling;

/** What an old address's page does for the browser: the redirect's target, and its status. */
async function visit(page: OldPage, query: Record<string, string> = {}) {
  try {
    await page({ searchParams: Promise.resolve(query) });
  } catch (error) {
    const digest = String((error as { digest?: unknown }).digest ?? "");
    const [kind, , target, status] = digest.split(";");
    if (kind === "NEXT_REDIRECT") return { target, status: Number(status) };
    throw error;
  }
  throw new Error("the page rendered instead of redirecting");
}

describe("the addresses from before workspaces", () => {
  it("lead to the same page of the current workspace, with the query string kept", async () => {
    const owner = await person("owner");
    const acme = await createWorkspace(handle.db, { userId: owner.id, name: "Acme" });
    const cases = [
      [
        OldBilling,
        { checkout: "success", session_id: "cs_123" },
        "billing?checkout=success&session_id=cs_123",
      ],
      [OldInvoices, { cursor: "abc" }, "invoices?cursor=abc"],
      [OldUsage, {}, "usage"],
      [OldApiKeys, {}, "api-keys"],
    ] as const;
    for (const [page, query, target] of cases) {
      browserWith(owner.cookie, acme.slug);
      expect(await visit(page, query)).toEqual({ target: `/w/acme/${target}`, status: 307 });
      // Without a remembered workspace: the personal one.
      browserWith(owner.cookie);
      expect((await visit(page, query)).target).toBe(`/w/${owner.personal.slug}/${target}`);
    }
  });

  it("send the pricing page's checkout links and posts on with a 307, query and method kept", async () => {
    const owner = await person("poster");
    const acme = await createWorkspace(handle.db, { userId: owner.id, name: "Poster team" });
    browserWith(owner.cookie, acme.slug);
    const link = await oldCheckout(
      testRequest("/account/checkout?plan=pro&period=yearly", { cookie: owner.cookie }),
    );
    expect(link.status).toBe(307);
    expect(location(link)).toBe(
      "http://localhost:3000/w/poster-team/checkout?plan=pro&period=yearly",
    );
    browserWith(owner.cookie);
    const post = await oldCheckoutPost(
      testRequest("/account/checkout", { cookie: owner.cookie, body: "plan=pro&period=monthly" }),
    );
    expect(post.status).toBe(307);
    expect(location(post)).toBe(`http://localhost:3000/w/${owner.personal.slug}/checkout`);
    const signedOut = await oldCheckout(testRequest("/account/checkout?plan=pro&period=yearly"));
    expect(new URL(location(signedOut) ?? "").searchParams.get("callbackUrl")).toBe(
      "/account/checkout?plan=pro&period=yearly",
    );
  });

  it("ignore a remembered workspace the person is not a member of", async () => {
    const stranger = await person("stranger");
    const owner = await person("team-owner");
    const team = await createWorkspace(handle.db, { userId: owner.id, name: "Secret team" });
    browserWith(stranger.cookie, team.slug);
    expect((await visit(OldUsage)).target).toBe(`/w/${stranger.personal.slug}/usage`);
  });

  it("lead a member to the team's usage, but to their own billing", async () => {
    const owner = await person("boss");
    const member = await person("member");
    const team = await createWorkspace(handle.db, { userId: owner.id, name: "Crew" });
    await insertMembership(handle.db, { workspaceId: team.id, userId: member.id, role: "member" });
    browserWith(member.cookie, team.slug);
    expect((await visit(OldUsage)).target).toBe("/w/crew/usage");
    browserWith(member.cookie, team.slug);
    expect((await visit(OldBilling)).target).toBe(`/w/${member.personal.slug}/billing`);
  });

  it("send a signed-out visitor to sign in, coming back to the old address", async () => {
    browserWith("");
    const { target } = await visit(OldBilling, { notice: "x" });
    const url = new URL(target ?? "", "http://localhost:3000");
    expect(url.pathname).toBe("/sign-in");
    expect(url.searchParams.get("callbackUrl")).toBe("/account/billing?notice=x");
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

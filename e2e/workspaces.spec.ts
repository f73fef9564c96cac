import type { Browser } from "@playwright/test";
import Stripe from "stripe";
import { payOnCheckoutPage } from "./billing-steps";
import { E2E_PASSWORD, E2E_STRIPE_KEY, E2E_STRIPE_URL } from "./constants";
import { expect, signUp, test, uniqueEmail } from "./fixtures";
import { latestLinkTo } from "./mailbox";

test("a person invited by email signs up from the link, verifies the address and joins", async ({
  page,
  browser,
}) => {
  // Two people, sign-up, two mails and their links: more than the default timeout allows on a
  // loaded machine.
  test.slow();
  const ownerEmail = uniqueEmail("owner");
  await signUp(page, { email: ownerEmail, name: "Olive Owner" });
  await expect(page).toHaveURL(/\/account/);
  const name = `Acme ${Date.now().toString(36)}`;
  const created = await page.request.post("/api/workspaces", { data: { name } });
  expect(created.status()).toBe(201);
  const { workspace } = (await created.json()) as { workspace: { slug: string } };

  // The owner invites a newcomer from the members page.
  const newcomer = uniqueEmail("newcomer");
  await page.goto(`/w/${workspace.slug}/members`);
  await page.getByLabel("Email").fill(newcomer);
  await page.getByLabel("Role", { exact: true }).selectOption("member");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${newcomer}.`)).toBeVisible();
  await expect(page.getByTestId(`invitation-${newcomer}`)).toBeVisible();

  // The newcomer opens the mailed link in a browser of their own and signs up from it.
  const theirs = await browser.newContext();
  const them = await theirs.newPage();
  const invitationLink = await latestLinkTo(newcomer, "/invitations/");
  await them.goto(invitationLink);
  await expect(them.getByRole("heading", { name: `Join ${name}` })).toBeVisible();
  await expect(them.getByTestId("invitation-summary")).toContainText(
    `Olive Owner invited ${newcomer}`,
  );
  await them.getByRole("link", { name: `Sign up as ${newcomer}` }).click();
  await expect(them.getByLabel("Email")).toHaveValue(newcomer);
  await them.getByLabel("Password").fill(E2E_PASSWORD);
  await them.getByRole("button", { name: "Create account" }).click();

  // Back on the invitation, asked to verify first; the mailed link brings them back to it.
  await expect(them).toHaveURL(new URL(invitationLink).pathname);
  await expect(them.getByRole("heading", { name: "Verify your email first" })).toBeVisible();
  await them.goto(await latestLinkTo(newcomer, "/verify-email"));
  await expect(them).toHaveURL(new URL(invitationLink).pathname);
  await them.getByRole("button", { name: `Accept and join ${name}` }).click();
  await expect(them).toHaveURL(`/w/${workspace.slug}/usage`);

  // They are a member: they see who is in the workspace, but not the controls.
  await them.goto(`/w/${workspace.slug}/members`);
  await expect(them.getByTestId(`member-${newcomer}`)).toContainText("Member");
  await expect(them.getByRole("button", { name: "Send invitation" })).toHaveCount(0);

  // The link worked once.
  await them.goto(invitationLink);
  await expect(them.getByText("This invitation has been used already.")).toBeVisible();
  await theirs.close();

  // The owner sees two members and no open invitation; makes the newcomer an admin.
  await page.reload();
  await expect(page.getByTestId("seats")).toContainText("2 members · up to 2 on Free");
  await expect(page.getByTestId("member-cap")).toContainText("allows up to 2 members");
  await expect(page.getByTestId("no-invitations")).toBeVisible();
  const row = page.getByTestId(`member-${newcomer}`);
  await row.getByLabel(`Role of ${newcomer}`).selectOption("admin");
  await row.getByRole("button", { name: `Save role of ${newcomer}` }).click();
  await expect(row.getByText(/is now admin\./)).toBeVisible();
});

test("the owner renames the workspace, cannot leave it as its only owner, and deletes it", async ({
  page,
}) => {
  await signUp(page, { email: uniqueEmail("founder") });
  await expect(page).toHaveURL(/\/account/);
  const created = await page.request.post("/api/workspaces", {
    data: { name: `Temp ${Date.now().toString(36)}` },
  });
  const { workspace } = (await created.json()) as { workspace: { slug: string } };

  await page.goto(`/w/${workspace.slug}/settings`);
  await page.getByLabel("Name", { exact: true }).fill("Renamed");
  await page.getByLabel("Address", { exact: true }).fill(`${workspace.slug}-2`);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(`/w/${workspace.slug}-2/settings?saved=1`);

  await page.getByRole("button", { name: "Leave Renamed" }).click();
  await expect(page.getByText(/The last owner cannot leave/)).toBeVisible();

  await page.getByLabel(`Type ${workspace.slug}-2 to confirm`).fill(`${workspace.slug}-2`);
  await page.getByRole("button", { name: "Delete Renamed" }).click();
  await expect(page).toHaveURL(/\/account\?workspace=deleted/);
  expect((await page.request.get(`/api/workspaces/${workspace.slug}-2`)).status()).toBe(404);
});

/** Joins a workspace as a new person: the mailed link, sign-up, the verification mail, Accept. */
async function joinFromInvitation(browser: Browser, email: string, workspaceName: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(await latestLinkTo(email, "/invitations/"));
  await page.getByRole("link", { name: `Sign up as ${email}` }).click();
  await page.getByLabel("Password").fill(E2E_PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Verify your email first" })).toBeVisible();
  await page.goto(await latestLinkTo(email, "/verify-email"));
  await page.getByRole("button", { name: `Accept and join ${workspaceName}` }).click();
  await expect(page).toHaveURL(/\/w\/[a-z0-9-]+\/usage$/);
  return { context, page };
}

test("Acme buys Pro, three invited people join, the fourth member is billed as one extra seat, and a removal lowers the next renewal", async ({
  page,
  browser,
}) => {
  // Four people sign up and join through mails, Checkout, two seat jobs and two invoices.
  test.setTimeout(180_000);
  const ownerEmail = uniqueEmail("acme-owner");
  await signUp(page, { email: ownerEmail, name: "Ada Owner" });
  await expect(page).toHaveURL(/\/account/);
  const name = `Acme ${Date.now().toString(36)}`;
  const created = await page.request.post("/api/workspaces", { data: { name } });
  const { workspace } = (await created.json()) as { workspace: { slug: string } };

  // Pro, bought in the workspace with 4242.
  await page.goto(`/w/${workspace.slug}/billing`);
  await page.getByRole("button", { name: "Choose Pro" }).click();
  await payOnCheckoutPage(page, "4242 4242 4242 4242");
  await expect(page).toHaveURL(new RegExp(`/w/${workspace.slug}/billing\\?checkout=success`));
  await expect(page.getByTestId("billing-plan")).toHaveText("Pro");

  // The fourth member takes the first seat beyond the three Pro includes: its price shows first.
  const invitees = [uniqueEmail("first"), uniqueEmail("second"), uniqueEmail("third")];
  await page.goto(`/w/${workspace.slug}/members`);
  for (const email of invitees) {
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Send invitation" }).click();
    await expect(page.getByText(`Invitation sent to ${email}.`)).toBeVisible();
  }
  const joined = [];
  for (const email of invitees) joined.push(await joinFromInvitation(browser, email, name));

  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("seat-summary")).toContainText(
      "4 members · 3 included · 1 billed extra",
      { timeout: 1_000 },
    );
  }).toPass({ timeout: 60_000 });
  await expect(page.getByTestId("next-seat-cost")).toContainText("$9.00/month");
  await page.goto(`/w/${workspace.slug}/billing`);
  await expect(page.getByTestId("billing-price")).toContainText("$38/month for 4 members");

  // The emulator's subscription bills four members.
  const stripe = new Stripe(E2E_STRIPE_KEY, {
    host: new URL(E2E_STRIPE_URL).hostname,
    port: Number(new URL(E2E_STRIPE_URL).port),
    protocol: "http",
  });
  const [customer] = (await stripe.customers.list({ email: ownerEmail })).data;
  const [subscription] = (await stripe.subscriptions.list({ customer: customer?.id })).data;
  expect(subscription?.items.data[0]?.quantity).toBe(4);

  // A member gets 404 on billing; the owner's personal workspace stays Free.
  const member = joined[0]?.page;
  if (!member) throw new Error("nobody joined");
  for (const section of ["billing", "invoices"]) {
    const response = await member.goto(`/w/${workspace.slug}/${section}`);
    expect(response?.status(), section).toBe(404);
    await expect(member.getByRole("heading", { name: "Page not found" })).toBeVisible();
  }
  for (const { context } of joined) await context.close();

  // The trial ends: the first invoice bills the four members, $29 + one extra seat at $9.
  const subscriptionId = String(subscription?.id);
  await stripe.subscriptions.update(subscriptionId, { trial_end: "now" });
  const [first] = (await stripe.invoices.list({ subscription: subscriptionId, limit: 1 })).data;
  expect(first?.total).toBe(29_00 + 9_00);

  // Removing a member lowers the quantity with no credit now: the next renewal bills three.
  const leaving = invitees[2] ?? "";
  await page.goto(`/w/${workspace.slug}/members`);
  await page
    .getByTestId(`member-${leaving}`)
    .getByRole("button", { name: `Remove ${leaving}` })
    .click();
  await expect(page.getByTestId(`member-${leaving}`)).toHaveCount(0);
  await expect(async () => {
    const current = await stripe.subscriptions.retrieve(subscriptionId);
    expect(current.items.data[0]?.quantity).toBe(3);
  }).toPass({ timeout: 60_000 });
  const upcoming = await stripe.invoices.createPreview({ subscription: subscriptionId });
  expect(
    upcoming.lines.data.filter((line) => line.parent?.subscription_item_details?.proration),
  ).toEqual([]);
  expect(upcoming.total).toBe(29_00);
  // The renewal, brought forward by restarting the billing cycle now (the emulator's clock is
  // shared with the browser tests running beside this one; the seat job's db test moves it).
  await stripe.subscriptions.update(subscriptionId, {
    billing_cycle_anchor: { type: "now" },
    proration_behavior: "none",
  });
  const [renewal] = (await stripe.invoices.list({ subscription: subscriptionId, limit: 1 })).data;
  expect(renewal?.id).not.toBe(first?.id);
  expect(renewal?.total).toBe(29_00);
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("seat-summary")).toContainText(
      "3 members · 3 included · 0 billed extra",
      { timeout: 1_000 },
    );
  }).toPass({ timeout: 30_000 });

  const mine = (await (await page.request.get("/api/workspaces")).json()) as {
    data: { slug: string; personal: boolean }[];
  };
  const personal = mine.data.find((row) => row.personal);
  await page.goto(`/w/${personal?.slug}/billing`);
  await expect(page.getByTestId("billing-plan")).toHaveText("Free");
});

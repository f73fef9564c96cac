import { E2E_PASSWORD } from "./constants";
import { expect, signUp, test, uniqueEmail } from "./fixtures";
import { latestLinkTo } from "./mailbox";

test("a person invited by email signs up from the link, verifies the address and joins", async ({
  page,
  browser,
}) => {
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

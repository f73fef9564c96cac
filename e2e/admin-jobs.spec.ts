import { QUEUES } from "../lib/jobs/queues";
import { expect, signInAsAdmin, test } from "./fixtures";

test("the admin reaches the jobs page from the admin menu and sees every queue", async ({
  page,
}) => {
  await signInAsAdmin(page);
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Jobs" }).click();
  await expect(page.getByRole("heading", { name: "Jobs", level: 1 })).toBeVisible();
  const rows = page.getByTestId("job-queue-row");
  await expect(rows).toHaveCount(QUEUES.length);
  for (const queue of QUEUES) {
    await expect(rows.filter({ hasText: queue.name }).first()).toContainText(queue.description);
  }
  await expect(page.getByRole("heading", { name: "Dead jobs", level: 2 })).toBeVisible();
});

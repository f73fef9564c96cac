import "server-only";
import type { Database } from "@/db";
import { allowsMembers, getPlan, memberLimit, PLAN_TIERS } from "@/lib/billing/catalog/plans";
import { getEntitlements } from "@/lib/billing/entitlements";
import { AppError } from "@/lib/errors";
import { sendWorkspaceSeatsJob } from "@/lib/jobs/send";
import { jobsOn } from "@/lib/jobs/transaction";
import { lockWorkspace, memberCount } from "./workspaces";

/**
 * Seats follow membership: the contract every membership change relies on.
 *
 * - `assertMemberRoom` before a member is invited, and again inside the transaction that adds
 *   them: Free takes a few members, a paid plan any number (each beyond those its price includes
 *   is billed).
 * - `requestSeatSync` inside the transaction of every membership change, after
 *   `membership_version` is bumped: the `workspace-seats` job (lib/workspaces/seat-sync.ts)
 *   then sets the Stripe subscription's quantity to the member count.
 */

/**
 * Throws AppError `payment_required` (402) when `adding` more members would pass the member
 * limit of the workspace's plan (its entitlements: Free takes 2), naming the plan that allows
 * them, with `details.upgradeUrl` to the workspace's billing page; `not_found` for no such
 * workspace. Paid plans have no limit.
 *
 * Inside a transaction it holds the workspace's row until the end, so concurrent additions are
 * counted one after another: two people accepting the last free seat at once get one seat and
 * one refusal, not three members.
 */
export async function assertMemberRoom(
  db: Database,
  workspaceId: string,
  adding: number,
): Promise<void> {
  const workspace = await lockWorkspace(db, workspaceId);
  const { tier } = await getEntitlements(db, workspaceId);
  const limit = memberLimit(tier);
  if (limit === null) return;
  const members = await memberCount(db, workspaceId);
  if (allowsMembers(tier, members + adding)) return;
  const upgrade = PLAN_TIERS.find((candidate) => allowsMembers(candidate, members + adding));
  const plan = getPlan(tier);
  const upgradeName = upgrade ? getPlan(upgrade).name : null;
  throw new AppError(
    "payment_required",
    `The ${plan.name} plan allows up to ${limit} members and this workspace has ${members}.` +
      (upgradeName ? ` Upgrade to ${upgradeName} to add more.` : ""),
    {
      details: {
        plan: tier,
        limit,
        members,
        ...(upgrade
          ? { upgradePlan: upgrade, upgradeUrl: `/w/${workspace.slug}/billing?plan=${upgrade}` }
          : {}),
      },
    },
  );
}

/**
 * Makes sure a durable job brings the workspace's billed seats to its member count. Call it in
 * the transaction of the membership change: the job is written by that transaction (it exists
 * if and only if the change commits), and the workspace's row stays locked until the commit, so
 * the job — which reads the row with a share lock before it counts — never counts the members
 * while a change is in flight. A burst of changes makes one job. `not_found` for no such
 * workspace.
 */
export async function requestSeatSync(db: Database, workspaceId: string): Promise<void> {
  await lockWorkspace(db, workspaceId);
  await sendWorkspaceSeatsJob(jobsOn(db), workspaceId);
}

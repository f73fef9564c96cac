"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { retryDeadJobOrThrow } from "@/lib/admin/retry-dead-job";
import { action } from "@/lib/http/action";
import { QUEUES } from "@/lib/jobs/queues";
import { getJobs } from "@/lib/jobs/send";
import { log } from "@/lib/log";

const PAGE = "/admin/jobs";

const retryJobSchema = z.object({
  queue: z
    .string()
    .refine((name) => QUEUES.some((queue) => queue.name === name), "There is no such queue."),
  jobId: z.uuid("That is not a job id."),
});

/** Gives a dead job one more run (admins only) and says so; refusals say why. */
export const retryJobAction = action(
  { access: "admin", returnTo: PAGE, schema: retryJobSchema, invalid: "message" },
  async ({ queue, jobId }, { user: admin }) => {
    try {
      await retryDeadJobOrThrow(await getJobs(), queue, jobId);
    } finally {
      // A refusal means the list was out of date (the job ran again, or was archived).
      revalidatePath(PAGE);
    }
    log.info({ queue, jobId, adminId: admin.id }, "admin retried a dead job");
    return {
      status: "success",
      message: `Job ${jobId} of ${queue} is queued again; a worker runs it next.`,
      values: { queue, jobId },
    };
  },
);

import type { Metadata } from "next";
import { Cell, EmptyState, NumericCell, Row, RowHeader, Table } from "@/components/ui/table";
import { Moment } from "@/components/ui/time";
import { getDb } from "@/db";
import { getQueueOverview, JOB_STATES, type JobState, listDeadJobs } from "@/lib/admin/jobs";
import { requireAdmin } from "@/lib/auth/session";
import { ARCHIVE_COMPLETED_AFTER_SECONDS, ARCHIVE_FAILED_AFTER_SECONDS } from "@/lib/jobs/engine";
import { RetryJobForm, RetryOutcome } from "./retry-job-form";

export const metadata: Metadata = { title: "Jobs" };
export const dynamic = "force-dynamic";

const PAGE = "/admin/jobs";

const whole = new Intl.NumberFormat("en-US");

/** pg-boss's own state names head the columns; the definitions below the tables say more. */
const STATE_DEFINITIONS: Record<JobState, string> = {
  created: "Waiting for a worker (a customer's events job waits a moment for the rest of a burst).",
  retry: "Failed, and waiting for its next try; each wait is longer than the one before.",
  active: "Taken by a worker and running.",
  completed: "Finished without an error.",
  cancelled: "Cancelled before it finished.",
  failed: "Dead: it failed on every try its queue allows. It stays until retried or archived.",
};

/** A whole number of days or hours, in words. */
function duration(seconds: number): string {
  const days = seconds / 86_400;
  if (Number.isInteger(days)) return `${days} day${days === 1 ? "" : "s"}`;
  const hours = Math.round(seconds / 3_600);
  return `${hours} hour${hours === 1 ? "" : "s"}`;
}

export default async function JobsPage() {
  await requireAdmin(PAGE);
  const db = await getDb();
  const [queues, deadJobs] = await Promise.all([getQueueOverview(db), listDeadJobs(db)]);
  const deadTotal = queues.reduce((sum, queue) => sum + queue.counts.failed, 0);

  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">Jobs</h1>
      <p className="mt-2 max-w-3xl text-sm text-slate-600">
        Background work runs as jobs on the job engine (pg-boss, in this database). A job that fails
        is tried again with growing waits up to its queue&apos;s retry limit; after the last try it
        is dead, listed below, and runs again only when an admin retries it.
      </p>
      <p className="mt-2 max-w-3xl text-sm text-slate-600">
        The counts are of the jobs in pg-boss&apos;s job table. Completed and cancelled jobs move to
        its archive {duration(ARCHIVE_COMPLETED_AFTER_SECONDS)} after they end, dead jobs after{" "}
        {duration(ARCHIVE_FAILED_AFTER_SECONDS)}; archived jobs are not counted here and cannot be
        retried.
      </p>

      <section aria-labelledby="queues-heading" className="mt-8">
        <h2 id="queues-heading" className="text-lg font-semibold text-slate-900">
          Queues
        </h2>
        <div className="mt-3">
          <Table
            caption="Job queues, with their jobs counted by state"
            minWidth="min-w-[62rem]"
            testId="job-queues"
            alignTop
            columns={[
              "Queue",
              "Runs",
              ...JOB_STATES.map((state) => ({ label: state, numeric: true })),
            ]}
          >
            {queues.map((queue) => (
              <Row key={queue.name} testId="job-queue-row">
                <RowHeader plain className="max-w-xs">
                  <span className="font-mono text-xs font-medium text-slate-900">{queue.name}</span>
                  <span className="mt-1 block text-xs text-slate-600">{queue.description}</span>
                </RowHeader>
                <Cell className="text-xs whitespace-nowrap">
                  {queue.cron ? (
                    <span className="block">
                      <code className="font-mono">{queue.cron}</code> UTC
                    </span>
                  ) : (
                    <span className="block">When there is work</span>
                  )}
                  <span className="mt-1 block text-slate-600">
                    <span className="font-mono">{queue.policy}</span>, retry limit{" "}
                    {whole.format(queue.retryLimit)}
                  </span>
                </Cell>
                {JOB_STATES.map((state) => (
                  <NumericCell key={state}>{whole.format(queue.counts[state])}</NumericCell>
                ))}
              </Row>
            ))}
          </Table>
        </div>
      </section>

      <section aria-labelledby="dead-heading" className="mt-10">
        <h2 id="dead-heading" className="text-lg font-semibold text-slate-900">
          Dead jobs
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          {deadTotal > deadJobs.length
            ? `The ${whole.format(deadJobs.length)} most recent of ${whole.format(deadTotal)}, newest first.`
            : "Newest first."}{" "}
          Retry runs a job once more; if it fails again it is dead again.
        </p>
        <div className="mt-3">
          <RetryOutcome>
            {deadJobs.length === 0 ? (
              <EmptyState testId="dead-jobs-empty">
                No dead jobs. A job whose tries are all spent shows up here until it is retried or
                archived.
              </EmptyState>
            ) : (
              <Table
                caption="Dead jobs, newest failure first"
                minWidth="min-w-[60rem]"
                testId="dead-jobs"
                alignTop
                columns={[
                  "Failed",
                  "Queue",
                  "Job id",
                  "Ids in its data",
                  { label: "Retries", numeric: true },
                  "Error",
                  { label: "Actions", hidden: true },
                ]}
              >
                {deadJobs.map((job) => {
                  const ids = Object.entries(job.ids);
                  return (
                    <Row key={job.id} testId="dead-job-row">
                      <Cell className="whitespace-nowrap tabular-nums">
                        <Moment date={job.failedAt} />
                      </Cell>
                      <Cell className="font-mono text-xs whitespace-nowrap">{job.queue}</Cell>
                      <RowHeader plain className="font-mono text-xs">
                        {job.id}
                      </RowHeader>
                      <Cell>
                        {ids.length > 0 ? (
                          <dl className="text-xs">
                            {ids.map(([key, value]) => (
                              <div key={key}>
                                <dt className="text-slate-600">{key}</dt>
                                <dd className="font-mono break-all">{value}</dd>
                              </div>
                            ))}
                          </dl>
                        ) : (
                          <span className="text-slate-500">None</span>
                        )}
                      </Cell>
                      <NumericCell>{whole.format(job.retryCount)}</NumericCell>
                      <Cell>
                        {job.message ? (
                          <p className="line-clamp-3 max-w-xs break-words text-xs text-red-800">
                            {job.message}
                          </p>
                        ) : (
                          <span className="text-slate-500">None recorded</span>
                        )}
                      </Cell>
                      <Cell className="text-right">
                        <RetryJobForm queue={job.queue} jobId={job.id} />
                      </Cell>
                    </Row>
                  );
                })}
              </Table>
            )}
          </RetryOutcome>
        </div>
      </section>

      <section aria-labelledby="states-heading" className="mt-10 max-w-3xl">
        <h2 id="states-heading" className="text-lg font-semibold text-slate-900">
          What the states mean
        </h2>
        <dl className="mt-3 space-y-3 text-sm text-slate-700">
          {JOB_STATES.map((state) => (
            <div key={state}>
              <dt className="font-mono font-medium text-slate-900">{state}</dt>
              <dd>{STATE_DEFINITIONS[state]}</dd>
            </div>
          ))}
        </dl>
        <p className="mt-4 text-sm text-slate-700">
          A <span className="font-mono">short</span> queue holds at most one waiting job per key (a
          burst of sends makes one job); a <span className="font-mono">stately</span> queue at most
          one waiting, one waiting for a retry and one running, so a periodic job never runs twice
          at once nor piles up.
        </p>
      </section>
    </>
  );
}

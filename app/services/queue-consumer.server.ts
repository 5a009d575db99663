/**
 * Consumer of the compile queues and their dead-letter queue. A message carries only a job id;
 * the job row says what to compile. Claiming is atomic, so a redelivered message is a no-op once
 * its job has finished. Failures that a retry may cure go back to the queue with exponential
 * backoff; after the queue's max_retries the message lands in the dead-letter queue, whose
 * consumer marks the job failed with the last reason. Nothing is dropped silently.
 */
import { z } from "zod";
import {
  checkedConfiguration,
  compileWithCache,
  isRetriable,
  sourceLoader,
  writeCompiledList,
} from "./compilations.server";
import { type DatabaseHandle, openDatabase } from "./db.server";
import { type AppEnv, getAppEnv } from "./env.server";
import { ApiError } from "./http.server";
import { claimJob, completeJob, failJob, JOB_RESULT_TTL_SECONDS, jobResultKey, releaseJob } from "./jobs.server";

export const DEAD_LETTER_QUEUE = "bloqr-compile-dlq";
// Backoff doubles per attempt from the configured base, capped so a job is not parked for hours.
const MAX_RETRY_DELAY_SECONDS = 15 * 60;

const jobMessage = z.object({ jobId: z.uuid() });
const storedRequest = z.object({
  configuration: z.unknown(),
  preFetchedContent: z.record(z.string(), z.string()).optional(),
});

export function retryDelaySeconds(attempts: number, baseSeconds: number): number {
  return Math.min(MAX_RETRY_DELAY_SECONDS, baseSeconds * 2 ** Math.max(0, attempts - 1));
}

const log = (event: string, fields: Record<string, unknown>) => console.log(JSON.stringify({ event, ...fields }));

export async function consumeCompileBatch(batch: MessageBatch<unknown>, env: Env, _ctx: ExecutionContext) {
  const config = getAppEnv(env);
  const database = openDatabase(config);
  try {
    for (const message of batch.messages) {
      const parsed = jobMessage.safeParse(message.body);
      if (!parsed.success) {
        // Retrying a message that names no job cannot help.
        log("queue.message_invalid", { queue: batch.queue, messageId: message.id });
        message.ack();
        continue;
      }
      if (batch.queue === DEAD_LETTER_QUEUE) {
        await failJob(database.db, parsed.data.jobId, null);
        log("job.dead_lettered", { jobId: parsed.data.jobId });
        message.ack();
      } else {
        await runJob(message, parsed.data.jobId, { env, config, database });
      }
    }
  } finally {
    await database.close();
  }
}

async function runJob(
  message: Message<unknown>,
  jobId: string,
  { env, config, database }: { env: Env; config: AppEnv; database: DatabaseHandle },
) {
  const { db } = database;
  const claim = await claimJob(db, jobId);
  if (claim.outcome === "busy") {
    message.retry({ delaySeconds: Math.ceil(claim.retryInMs / 1000) });
    return;
  }
  if (claim.outcome !== "claimed") {
    log("job.redelivery_ignored", { jobId, outcome: claim.outcome });
    message.ack();
    return;
  }
  const { job } = claim;
  try {
    const request = storedRequest.parse(job.request);
    const configuration = checkedConfiguration(request.configuration);
    const outcome = await compileWithCache(
      { configuration, preFetchedContent: request.preFetchedContent },
      {
        cache: env.COMPILE_CACHE,
        loadSource: sourceLoader({
          preFetchedContent: request.preFetchedContent,
          cache: env.COMPILE_CACHE,
          allowedPrivateHosts: config.SOURCE_ALLOW_PRIVATE_HOSTS,
        }),
      },
    );
    await writeCompiledList(env.COMPILE_CACHE, jobResultKey(jobId), outcome, JOB_RESULT_TTL_SECONDS);
    await completeJob(db, jobId, outcome);
    log("job.succeeded", { jobId, ruleCount: outcome.ruleCount, cached: outcome.cached, attempts: job.attempts });
    message.ack();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (isRetriable(error)) {
      await releaseJob(db, jobId, reason);
      const delaySeconds = retryDelaySeconds(job.attempts, config.QUEUE_RETRY_BASE_SECONDS);
      log("job.retry", { jobId, attempts: job.attempts, delaySeconds, reason });
      message.retry({ delaySeconds });
    } else {
      await failJob(db, jobId, reason);
      log("job.failed", {
        jobId,
        attempts: job.attempts,
        reason,
        code: error instanceof ApiError ? error.code : undefined,
      });
      message.ack();
    }
  }
}

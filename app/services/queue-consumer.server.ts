/**
 * Consumer of the compile queues and their dead-letter queue. A message carries only an id: a
 * compile job's (`{jobId}`), a published list's (`{kind: "list_refresh", listId}`) or a list
 * webhook delivery's (`{kind: "webhook_delivery", deliveryId}`); the row says what to do. For jobs:
 * claiming is atomic, so a redelivered message is a no-op once its job has finished. Failures that a retry may cure go back to the queue with exponential
 * backoff; after the queue's max_retries the message lands in the dead-letter queue, whose
 * consumer marks the job failed with the last reason. Nothing is dropped silently.
 */
import { z } from "zod";
import type { LoadContext } from "~/load-context";
import { compileToStore, parseCompileRequest } from "./compilations.server";
import { JOB_RESULT_TTL_SECONDS, jobResultKey, keepJobExplanation } from "./compile-cache.server";
import { failureCode, internalReason, isRetriable } from "./compile-errors.server";
import { claimJob, completeJob, failJob, releaseJob } from "./jobs.server";
import {
  deadLetterRefresh,
  type ListServices,
  listRefreshMessage,
  listServicesOf,
  refreshList,
} from "./list-refresh.server";
import { deliverWebhook, failDelivery, scheduleRetry, webhookDeliveryMessage } from "./list-webhooks.server";
import { retryDelaySeconds } from "./retry-backoff";

const DEAD_LETTER_QUEUE = "bloqr-compile-dlq";

const jobMessage = z.object({ jobId: z.uuid() });
const storedRequest = z.object({
  configuration: z.unknown(),
  preFetchedContent: z.record(z.string(), z.string()).optional(),
  explain: z.boolean().optional(),
});

export async function consumeCompileBatch(batch: MessageBatch<unknown>, context: LoadContext) {
  const { database, analytics } = context;
  for (const message of batch.messages) {
    const refresh = listRefreshMessage.safeParse(message.body);
    const delivery = webhookDeliveryMessage.safeParse(message.body);
    if (refresh.success || delivery.success) {
      const services = listServicesOf(context);
      const deadLettered = batch.queue === DEAD_LETTER_QUEUE;
      if (refresh.success) await runListRefresh(message, refresh.data.listId, services, deadLettered);
      if (delivery.success) await runDelivery(message, delivery.data.deliveryId, services, deadLettered);
      continue;
    }
    const parsed = jobMessage.safeParse(message.body);
    if (!parsed.success) {
      // Retrying a message that names no job cannot help.
      analytics.record({
        type: "compile",
        outcome: "message_invalid",
        subject: "async",
        detail: { queue: batch.queue, messageId: message.id },
      });
      message.ack();
      continue;
    }
    if (batch.queue === DEAD_LETTER_QUEUE) {
      await failJob(database.db, parsed.data.jobId, null);
      analytics.record({ type: "compile", outcome: "dead_lettered", subject: "async", id: parsed.data.jobId });
      message.ack();
    } else {
      await runJob(message, parsed.data.jobId, context);
    }
  }
}

async function runJob(
  message: Message<unknown>,
  jobId: string,
  { config, database, analytics, services }: LoadContext,
) {
  const { db } = database;
  const claim = await claimJob(db, jobId);
  if (claim.outcome === "busy") {
    // Another consumer holds the lease (or held it and crashed): look again when it ends.
    const delaySeconds = Math.ceil(claim.retryInMs / 1000);
    analytics.record({ type: "compile", outcome: "busy", subject: "async", id: jobId, detail: { delaySeconds } });
    message.retry({ delaySeconds });
    return;
  }
  if (claim.outcome !== "claimed") {
    analytics.record({
      type: "compile",
      outcome: "redelivery_ignored",
      subject: "async",
      id: jobId,
      detail: { claim: claim.outcome },
    });
    message.ack();
    return;
  }
  const { job } = claim;
  try {
    const request = storedRequest.parse(job.request);
    const configuration = parseCompileRequest(request.configuration, request.preFetchedContent);
    const outcome = await compileToStore(
      { configuration, preFetchedContent: request.preFetchedContent },
      {
        stores: services.results,
        loadSource: services.sources(request.preFetchedContent),
        explain: request.explain,
      },
      { key: jobResultKey(jobId), ttlSeconds: JOB_RESULT_TTL_SECONDS },
    );
    // Its explanation too, under the job's id: the owner looks hosts up as long as the result is kept.
    if (outcome.explanation) await keepJobExplanation(services.results.kv, outcome.configHash, jobId);
    if (!(await completeJob(db, jobId, job.attempts, outcome))) {
      // Our lease ran out and another delivery took the job over: its result is the one that counts.
      analytics.record({
        type: "compile",
        outcome: "redelivery_ignored",
        subject: "async",
        id: jobId,
        attempts: job.attempts,
        detail: { claim: "lease_lost" },
      });
      message.ack();
      return;
    }
    analytics.record({
      type: "compile",
      outcome: "succeeded",
      subject: "async",
      id: jobId,
      ruleCount: outcome.ruleCount,
      durationMs: outcome.durationMs,
      attempts: job.attempts,
      detail: { cached: outcome.cached },
    });
    message.ack();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // The job row keeps the full reason for its owner; the logs get the code (a source URL may carry a token).
    const failure = {
      subject: "async",
      id: jobId,
      attempts: job.attempts,
      code: failureCode(error),
      reason: internalReason(error),
    } as const;
    if (isRetriable(error)) {
      await releaseJob(db, jobId, job.attempts, reason);
      const delaySeconds = retryDelaySeconds(job.attempts, config.QUEUE_RETRY_BASE_SECONDS);
      analytics.record({ type: "compile", outcome: "retry", ...failure, detail: { delaySeconds } });
      message.retry({ delaySeconds });
    } else {
      await failJob(db, jobId, reason, job.attempts);
      analytics.record({ type: "compile", outcome: "failed", ...failure });
      message.ack();
    }
  }
}

/** A refresh: retried with backoff on what a retry may cure (the database, R2, the queue), like a job. */
async function runListRefresh(
  message: Message<unknown>,
  listId: string,
  services: ListServices,
  deadLettered: boolean,
) {
  const { analytics, config } = services;
  if (deadLettered) {
    await deadLetterRefresh(services, listId);
    analytics.record({ type: "list", outcome: "dead_lettered", id: listId });
    message.ack();
    return;
  }
  try {
    await refreshList(services, listId);
    message.ack();
  } catch (error) {
    const delaySeconds = retryDelaySeconds(message.attempts, config.QUEUE_RETRY_BASE_SECONDS);
    analytics.record({
      type: "list",
      outcome: "retry",
      id: listId,
      attempts: message.attempts,
      reason: internalReason(error),
      detail: { delaySeconds },
    });
    message.retry({ delaySeconds });
  }
}

/** A webhook delivery: a failing endpoint is retried with exponential backoff until the dead-letter queue. */
async function runDelivery(
  message: Message<unknown>,
  deliveryId: string,
  services: ListServices,
  deadLettered: boolean,
) {
  const { analytics, config, db } = services;
  if (deadLettered) {
    await failDelivery(db, deliveryId);
    analytics.record({ type: "list", outcome: "webhook_failed", id: deliveryId });
    message.ack();
    return;
  }
  const result = await deliverWebhook(services, deliveryId);
  if (result.outcome !== "retry") {
    if (result.outcome === "delivered")
      analytics.record({ type: "list", outcome: "webhook_delivered", id: deliveryId });
    message.ack();
    return;
  }
  const delaySeconds = retryDelaySeconds(message.attempts, config.QUEUE_RETRY_BASE_SECONDS);
  await scheduleRetry(db, deliveryId, delaySeconds);
  analytics.record({
    type: "list",
    outcome: "webhook_retry",
    id: deliveryId,
    attempts: message.attempts,
    detail: { delaySeconds },
  });
  message.retry({ delaySeconds });
}

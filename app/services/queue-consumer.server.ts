/**
 * Consumer of the compile queues. Messages carry only a job id (Queues caps a message at
 * 128 KB). Until async compiles land this acknowledges and logs each message.
 */
export async function consumeCompileBatch(
  batch: MessageBatch<unknown>,
  _env: Env,
  _ctx: ExecutionContext,
): Promise<void> {
  for (const message of batch.messages) {
    console.log(
      JSON.stringify({ event: "queue.message", queue: batch.queue, messageId: message.id, attempts: message.attempts }),
    );
    message.ack();
  }
}

ALTER TABLE "webhook_events" ADD COLUMN "rejected_code" text;--> statement-breakpoint
CREATE INDEX "compilations_user_active_idx" ON "compilations" USING btree ("user_id") WHERE "compilations"."status" in ('queued', 'running');--> statement-breakpoint
-- Ended jobs no longer keep their request (jobs.server.ts drops it when a job ends): drop those kept so far.
UPDATE "compilations" SET "request" = NULL WHERE "status" in ('succeeded', 'failed') AND "request" IS NOT NULL;

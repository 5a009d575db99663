ALTER TABLE "compilations" ADD COLUMN "name" text;--> statement-breakpoint
ALTER TABLE "compilations" ADD COLUMN "explain" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "compilations" ADD COLUMN "metrics" jsonb;--> statement-breakpoint
CREATE INDEX "compilations_kept_request_idx" ON "compilations" USING btree ("finished_at") WHERE "compilations"."request" is not null;
ALTER TABLE "api_keys" ALTER COLUMN "rate_limit_per_minute" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "api_keys" ALTER COLUMN "rate_limit_per_minute" DROP NOT NULL;
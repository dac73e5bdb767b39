ALTER TABLE "build_runs" ADD COLUMN "builder" jsonb;--> statement-breakpoint
ALTER TABLE "build_runs" ADD COLUMN "dispatched_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "build_runs" ADD COLUMN "heartbeat_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "build_runs" ADD COLUMN "swept_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "builds" ADD COLUMN "plan" jsonb;--> statement-breakpoint
ALTER TABLE "builds" ADD COLUMN "request" jsonb;--> statement-breakpoint
ALTER TABLE "builds" ADD COLUMN "sealed_variables" text;
ALTER TABLE "build_runs" ADD COLUMN "slot_wait_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "build_runs" ADD COLUMN "slot_asked_at" timestamp with time zone;
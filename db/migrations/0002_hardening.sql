CREATE TYPE "public"."base_image_status" AS ENUM('available', 'removed');--> statement-breakpoint
CREATE TYPE "public"."inventory_sync_job_status" AS ENUM('queued', 'running', 'succeeded', 'partial', 'failed', 'interrupted');--> statement-breakpoint
CREATE TYPE "public"."inventory_sync_status" AS ENUM('queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted');--> statement-breakpoint
CREATE TYPE "public"."inventory_sync_trigger" AS ENUM('schedule', 'manual', 'account-created');--> statement-breakpoint
CREATE TABLE "inventory_sync_jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"trigger" "inventory_sync_trigger" NOT NULL,
	"regions" jsonb NOT NULL,
	"status" "inventory_sync_job_status" DEFAULT 'queued' NOT NULL,
	"boss_job_id" text,
	"attempt" integer DEFAULT 1 NOT NULL,
	"regions_total" integer DEFAULT 0 NOT NULL,
	"regions_failed" integer DEFAULT 0 NOT NULL,
	"error_code" text,
	"error" text,
	"requested_by" text,
	"heartbeat_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"duration_ms" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sign_in_throttles" (
	"key" text PRIMARY KEY NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"last_attempt_at" timestamp with time zone NOT NULL,
	"locked_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_log" ALTER COLUMN "actor_email" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "base_images" ALTER COLUMN "status" SET DEFAULT 'available'::"public"."base_image_status";--> statement-breakpoint
ALTER TABLE "base_images" ALTER COLUMN "status" SET DATA TYPE "public"."base_image_status" USING "status"::"public"."base_image_status";--> statement-breakpoint
ALTER TABLE "inventory_syncs" ALTER COLUMN "trigger" SET DATA TYPE "public"."inventory_sync_trigger" USING "trigger"::"public"."inventory_sync_trigger";--> statement-breakpoint
ALTER TABLE "inventory_syncs" ALTER COLUMN "status" SET DEFAULT 'queued'::"public"."inventory_sync_status";--> statement-breakpoint
ALTER TABLE "inventory_syncs" ALTER COLUMN "status" SET DATA TYPE "public"."inventory_sync_status" USING "status"::"public"."inventory_sync_status";--> statement-breakpoint
ALTER TABLE "inventory_syncs" ADD COLUMN "job_id" uuid;--> statement-breakpoint
ALTER TABLE "inventory_sync_jobs" ADD CONSTRAINT "inventory_sync_jobs_account_id_cloud_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."cloud_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_sync_jobs" ADD CONSTRAINT "inventory_sync_jobs_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inventory_sync_jobs_account_idx" ON "inventory_sync_jobs" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "inventory_sync_jobs_one_active_uq" ON "inventory_sync_jobs" USING btree ("account_id") WHERE status in ('queued', 'running');--> statement-breakpoint
CREATE INDEX "sign_in_throttles_last_attempt_at_idx" ON "sign_in_throttles" USING btree ("last_attempt_at");--> statement-breakpoint
ALTER TABLE "inventory_syncs" ADD CONSTRAINT "inventory_syncs_job_id_inventory_sync_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."inventory_sync_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inventory_syncs_job_idx" ON "inventory_syncs" USING btree ("job_id");
CREATE TYPE "public"."region_build_mode" AS ENUM('build', 'copy');--> statement-breakpoint
CREATE TYPE "public"."build_log_stream" AS ENUM('stdout', 'stderr', 'engine');--> statement-breakpoint
CREATE TYPE "public"."build_resource_kind" AS ENUM('host', 'key-pair', 'firewall', 'image', 'eip', 'snapshot', 'volume', 'other');--> statement-breakpoint
CREATE TYPE "public"."build_run_status" AS ENUM('queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted');--> statement-breakpoint
CREATE TYPE "public"."build_status" AS ENUM('queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted');--> statement-breakpoint
CREATE TYPE "public"."build_step_phase" AS ENUM('run', 'cleanup');--> statement-breakpoint
CREATE TYPE "public"."build_step_status" AS ENUM('running', 'succeeded', 'failed');--> statement-breakpoint
CREATE TABLE "region_build_strategies" (
	"cloud" "cloud_kind" NOT NULL,
	"region" text NOT NULL,
	"mode" "region_build_mode" NOT NULL,
	"source_region" text,
	"updated_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "region_build_strategies_cloud_region_pk" PRIMARY KEY("cloud","region")
);
--> statement-breakpoint
CREATE TABLE "region_group_members" (
	"group_id" uuid NOT NULL,
	"cloud" "cloud_kind" NOT NULL,
	"region" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "region_group_members_group_id_cloud_region_pk" PRIMARY KEY("group_id","cloud","region")
);
--> statement-breakpoint
CREATE TABLE "region_groups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_by" text,
	"updated_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "region_groups_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "build_resources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"run_id" uuid NOT NULL,
	"cloud" "cloud_kind" NOT NULL,
	"region" text NOT NULL,
	"kind" "build_resource_kind" NOT NULL,
	"resource_id" text NOT NULL,
	"run_tag" text NOT NULL,
	"kept" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "build_run_logs" (
	"run_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"stream" "build_log_stream" NOT NULL,
	"step" text,
	"text" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "build_run_steps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"run_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"name" text NOT NULL,
	"phase" "build_step_phase" NOT NULL,
	"status" "build_step_status" NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "build_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"build_id" uuid NOT NULL,
	"builder_name" text NOT NULL,
	"cloud" "cloud_kind" NOT NULL,
	"region" text NOT NULL,
	"cloud_account_id" uuid,
	"status" "build_run_status" DEFAULT 'queued' NOT NULL,
	"current_step" text,
	"run_tag" text,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"error_code" text,
	"error" text,
	"artifact" jsonb,
	"attempt" integer DEFAULT 0 NOT NULL,
	"cancel_requested_at" timestamp with time zone,
	"boss_job_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "builds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"template_id" uuid NOT NULL,
	"template_version" integer NOT NULL,
	"body_sha256" text NOT NULL,
	"cloud_account_id" uuid,
	"requested_by" text,
	"status" "build_status" DEFAULT 'queued' NOT NULL,
	"options" jsonb NOT NULL,
	"variables" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"inputs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"cancel_requested_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "region_build_strategies" ADD CONSTRAINT "region_build_strategies_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "region_group_members" ADD CONSTRAINT "region_group_members_group_id_region_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."region_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "region_groups" ADD CONSTRAINT "region_groups_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "region_groups" ADD CONSTRAINT "region_groups_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "build_resources" ADD CONSTRAINT "build_resources_run_id_build_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."build_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "build_run_logs" ADD CONSTRAINT "build_run_logs_run_id_build_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."build_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "build_run_steps" ADD CONSTRAINT "build_run_steps_run_id_build_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."build_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "build_runs" ADD CONSTRAINT "build_runs_build_id_builds_id_fk" FOREIGN KEY ("build_id") REFERENCES "public"."builds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "build_runs" ADD CONSTRAINT "build_runs_cloud_account_id_cloud_accounts_id_fk" FOREIGN KEY ("cloud_account_id") REFERENCES "public"."cloud_accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "builds" ADD CONSTRAINT "builds_template_id_templates_id_fk" FOREIGN KEY ("template_id") REFERENCES "public"."templates"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "builds" ADD CONSTRAINT "builds_cloud_account_id_cloud_accounts_id_fk" FOREIGN KEY ("cloud_account_id") REFERENCES "public"."cloud_accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "builds" ADD CONSTRAINT "builds_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "region_group_members_region_idx" ON "region_group_members" USING btree ("cloud","region");--> statement-breakpoint
CREATE INDEX "build_resources_run_idx" ON "build_resources" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "build_resources_tag_idx" ON "build_resources" USING btree ("run_tag");--> statement-breakpoint
CREATE UNIQUE INDEX "build_resources_uq" ON "build_resources" USING btree ("run_id","kind","region","resource_id");--> statement-breakpoint
CREATE UNIQUE INDEX "build_run_logs_run_seq_uq" ON "build_run_logs" USING btree ("run_id","seq");--> statement-breakpoint
CREATE INDEX "build_run_steps_run_idx" ON "build_run_steps" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "build_runs_build_idx" ON "build_runs" USING btree ("build_id");--> statement-breakpoint
CREATE INDEX "build_runs_status_idx" ON "build_runs" USING btree ("status");--> statement-breakpoint
CREATE INDEX "builds_created_idx" ON "builds" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "builds_template_idx" ON "builds" USING btree ("template_id","template_version");
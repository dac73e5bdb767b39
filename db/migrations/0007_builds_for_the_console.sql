CREATE TYPE "public"."produced_image_kind" AS ENUM('built', 'copy');--> statement-breakpoint
CREATE TYPE "public"."produced_image_state" AS ENUM('available', 'copy-failed');--> statement-breakpoint
CREATE TYPE "public"."api_action_class" AS ENUM('describe', 'mutate', 'copy');--> statement-breakpoint
CREATE TYPE "public"."lease_slot_kind" AS ENUM('copy', 'account-run');--> statement-breakpoint
CREATE TABLE "produced_images" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"cloud" "cloud_kind" NOT NULL,
	"region" text NOT NULL,
	"image_id" text,
	"name" text,
	"kind" "produced_image_kind" NOT NULL,
	"state" "produced_image_state" NOT NULL,
	"error" text,
	"cloud_account_id" uuid,
	"template_id" uuid NOT NULL,
	"template_version" integer NOT NULL,
	"role" "template_role" NOT NULL,
	"build_id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"base_image_id" text,
	"base_image_region" text,
	"base_image_row_id" uuid,
	"source_region" text,
	"source_image_id" text,
	"started_by" text,
	"produced_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api_budget_buckets" (
	"cloud" "cloud_kind" NOT NULL,
	"account_hash" text NOT NULL,
	"region" text NOT NULL,
	"action_class" "api_action_class" NOT NULL,
	"tokens" double precision NOT NULL,
	"refilled_at" timestamp (3) with time zone NOT NULL,
	"slowed_rate" double precision,
	"slowed_at" timestamp (3) with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "api_budget_buckets_cloud_account_hash_region_action_class_pk" PRIMARY KEY("cloud","account_hash","region","action_class")
);
--> statement-breakpoint
CREATE TABLE "lease_slots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "lease_slot_kind" NOT NULL,
	"scope" text NOT NULL,
	"holder" text NOT NULL,
	"lease_expires_at" timestamp (3) with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cloud_accounts" ADD COLUMN "max_concurrent_runs" integer DEFAULT 25 NOT NULL;--> statement-breakpoint
ALTER TABLE "build_runs" ADD COLUMN "builder" jsonb;--> statement-breakpoint
ALTER TABLE "build_runs" ADD COLUMN "dispatched_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "build_runs" ADD COLUMN "heartbeat_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "build_runs" ADD COLUMN "swept_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "builds" ADD COLUMN "plan" jsonb;--> statement-breakpoint
ALTER TABLE "builds" ADD COLUMN "request" jsonb;--> statement-breakpoint
ALTER TABLE "builds" ADD COLUMN "sealed_variables" text;--> statement-breakpoint
ALTER TABLE "produced_images" ADD CONSTRAINT "produced_images_cloud_account_id_cloud_accounts_id_fk" FOREIGN KEY ("cloud_account_id") REFERENCES "public"."cloud_accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "produced_images" ADD CONSTRAINT "produced_images_template_id_templates_id_fk" FOREIGN KEY ("template_id") REFERENCES "public"."templates"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "produced_images" ADD CONSTRAINT "produced_images_build_id_builds_id_fk" FOREIGN KEY ("build_id") REFERENCES "public"."builds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "produced_images" ADD CONSTRAINT "produced_images_run_id_build_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."build_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "produced_images" ADD CONSTRAINT "produced_images_base_image_row_id_base_images_id_fk" FOREIGN KEY ("base_image_row_id") REFERENCES "public"."base_images"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "produced_images" ADD CONSTRAINT "produced_images_started_by_users_id_fk" FOREIGN KEY ("started_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "produced_images_run_region_uq" ON "produced_images" USING btree ("run_id","region");--> statement-breakpoint
CREATE INDEX "produced_images_image_idx" ON "produced_images" USING btree ("cloud","region","image_id");--> statement-breakpoint
CREATE INDEX "produced_images_template_idx" ON "produced_images" USING btree ("template_id","template_version");--> statement-breakpoint
CREATE INDEX "produced_images_role_idx" ON "produced_images" USING btree ("role","cloud","region","produced_at");--> statement-breakpoint
CREATE INDEX "produced_images_base_idx" ON "produced_images" USING btree ("cloud","base_image_region","base_image_id");--> statement-breakpoint
CREATE INDEX "produced_images_produced_idx" ON "produced_images" USING btree ("produced_at");--> statement-breakpoint
CREATE INDEX "lease_slots_scope_idx" ON "lease_slots" USING btree ("kind","scope","lease_expires_at");
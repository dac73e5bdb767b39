CREATE TYPE "public"."api_action_class" AS ENUM('describe', 'mutate', 'copy');--> statement-breakpoint
CREATE TYPE "public"."lease_slot_kind" AS ENUM('copy', 'account-run');--> statement-breakpoint
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
CREATE INDEX "lease_slots_scope_idx" ON "lease_slots" USING btree ("kind","scope","lease_expires_at");
CREATE TYPE "public"."cloud_kind" AS ENUM('ucloud', 'aws');--> statement-breakpoint
CREATE TABLE "base_images" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"cloud" "cloud_kind" NOT NULL,
	"region" text NOT NULL,
	"image_id" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"os_family" text DEFAULT '' NOT NULL,
	"os_version" text DEFAULT '' NOT NULL,
	"os_name" text DEFAULT '' NOT NULL,
	"architecture" text DEFAULT '' NOT NULL,
	"size_gb" integer,
	"vendor_state" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'available' NOT NULL,
	"image_created_at" timestamp with time zone,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "base_images_account_region_image_uq" UNIQUE("account_id","region","image_id")
);
--> statement-breakpoint
CREATE TABLE "cloud_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"cloud" "cloud_kind" NOT NULL,
	"environment" text NOT NULL,
	"key_id_sealed" text NOT NULL,
	"secret_sealed" text NOT NULL,
	"key_hint" text NOT NULL,
	"project_id" text,
	"endpoint" text,
	"image_page_size" integer DEFAULT 20 NOT NULL,
	"sync_concurrency" integer DEFAULT 4 NOT NULL,
	"sync_interval_minutes" integer DEFAULT 360 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"sandbox" boolean DEFAULT false NOT NULL,
	"last_test_at" timestamp with time zone,
	"last_test_ok" boolean,
	"last_test_error" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cloud_accounts_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "cloud_regions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"cloud" "cloud_kind" NOT NULL,
	"region" text NOT NULL,
	"name" text NOT NULL,
	"zones" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"refreshed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cloud_regions_account_region_uq" UNIQUE("account_id","region")
);
--> statement-breakpoint
CREATE TABLE "inventory_syncs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"region" text NOT NULL,
	"trigger" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"page_size" integer NOT NULL,
	"pages_fetched" integer DEFAULT 0 NOT NULL,
	"api_calls" integer DEFAULT 0 NOT NULL,
	"images_seen" integer DEFAULT 0 NOT NULL,
	"images_added" integer DEFAULT 0 NOT NULL,
	"images_removed" integer DEFAULT 0 NOT NULL,
	"error" text,
	"requested_by" text,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"duration_ms" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "base_images" ADD CONSTRAINT "base_images_account_id_cloud_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."cloud_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cloud_accounts" ADD CONSTRAINT "cloud_accounts_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cloud_regions" ADD CONSTRAINT "cloud_regions_account_id_cloud_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."cloud_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_syncs" ADD CONSTRAINT "inventory_syncs_account_id_cloud_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."cloud_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_syncs" ADD CONSTRAINT "inventory_syncs_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "base_images_filter_idx" ON "base_images" USING btree ("cloud","region","status","os_family");--> statement-breakpoint
CREATE INDEX "base_images_name_idx" ON "base_images" USING btree ("name");--> statement-breakpoint
CREATE INDEX "base_images_created_idx" ON "base_images" USING btree ("image_created_at");--> statement-breakpoint
CREATE INDEX "inventory_syncs_account_region_idx" ON "inventory_syncs" USING btree ("account_id","region","created_at");
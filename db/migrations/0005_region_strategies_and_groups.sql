CREATE TYPE "public"."region_build_mode" AS ENUM('build', 'copy');--> statement-breakpoint
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
ALTER TABLE "region_build_strategies" ADD CONSTRAINT "region_build_strategies_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "region_group_members" ADD CONSTRAINT "region_group_members_group_id_region_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."region_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "region_groups" ADD CONSTRAINT "region_groups_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "region_groups" ADD CONSTRAINT "region_groups_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "region_group_members_region_idx" ON "region_group_members" USING btree ("cloud","region");
CREATE TYPE "public"."base_image_status" AS ENUM('available', 'removed');--> statement-breakpoint
CREATE TYPE "public"."inventory_sync_status" AS ENUM('queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted');--> statement-breakpoint
CREATE TYPE "public"."inventory_sync_trigger" AS ENUM('schedule', 'manual', 'account-created');--> statement-breakpoint
ALTER TABLE "base_images" ALTER COLUMN "status" SET DEFAULT 'available'::"public"."base_image_status";--> statement-breakpoint
ALTER TABLE "base_images" ALTER COLUMN "status" SET DATA TYPE "public"."base_image_status" USING "status"::"public"."base_image_status";--> statement-breakpoint
ALTER TABLE "inventory_syncs" ALTER COLUMN "trigger" SET DATA TYPE "public"."inventory_sync_trigger" USING "trigger"::"public"."inventory_sync_trigger";--> statement-breakpoint
ALTER TABLE "inventory_syncs" ALTER COLUMN "status" SET DEFAULT 'queued'::"public"."inventory_sync_status";--> statement-breakpoint
ALTER TABLE "inventory_syncs" ALTER COLUMN "status" SET DATA TYPE "public"."inventory_sync_status" USING "status"::"public"."inventory_sync_status";
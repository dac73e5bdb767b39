ALTER TABLE "base_images" ADD COLUMN "cpu_platforms" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "base_images" ADD COLUMN "ena_support" boolean;
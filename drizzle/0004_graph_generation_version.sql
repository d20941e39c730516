-- The version the last generation wrote (add-node merges keep it): an add-node
-- result made for an older version must not be merged into a regenerated graph,
-- whose node ids mean other nodes. Existing graphs count as generated at their
-- current version.
ALTER TABLE "graphs" ADD COLUMN "generation_version" integer;--> statement-breakpoint
UPDATE "graphs" SET "generation_version" = "version";--> statement-breakpoint
ALTER TABLE "graphs" ALTER COLUMN "generation_version" SET NOT NULL;

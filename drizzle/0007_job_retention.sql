ALTER TABLE "jobs" ADD COLUMN "files_deleted_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "job_events_created_at_idx" ON "job_events" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "jobs_files_pending_idx" ON "jobs" USING btree ("finished_at") WHERE "jobs"."files_deleted_at" IS NULL AND "jobs"."status" NOT IN ('QUEUED', 'RUNNING');--> statement-breakpoint
CREATE INDEX "late_results_received_at_idx" ON "late_results" USING btree ("received_at");
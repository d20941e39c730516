CREATE TABLE "late_results" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"task_id" text NOT NULL,
	"task_type" text NOT NULL,
	"job_status" text NOT NULL,
	"envelope" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "late_results" ADD CONSTRAINT "late_results_task_id_jobs_task_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."jobs"("task_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "late_results_task_idx" ON "late_results" USING btree ("task_id");
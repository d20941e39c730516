CREATE TABLE "graph_clusters" (
	"user_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"size" integer NOT NULL,
	"key_themes" jsonb NOT NULL,
	CONSTRAINT "graph_clusters_user_id_id_pk" PRIMARY KEY("user_id","id")
);
--> statement-breakpoint
CREATE TABLE "graph_edges" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"source" integer NOT NULL,
	"target" integer NOT NULL,
	"weight" double precision NOT NULL,
	"type" text NOT NULL,
	"is_intra_cluster" boolean NOT NULL,
	"confidence" text
);
--> statement-breakpoint
CREATE TABLE "graph_nodes" (
	"user_id" text NOT NULL,
	"id" integer NOT NULL,
	"orig_id" text NOT NULL,
	"cluster_id" text NOT NULL,
	"cluster_name" text NOT NULL,
	"cluster_confidence" real,
	"keywords" jsonb NOT NULL,
	"top_keywords" jsonb NOT NULL,
	"timestamp" text,
	"num_sections" integer NOT NULL,
	"source_type" text NOT NULL,
	CONSTRAINT "graph_nodes_user_id_id_pk" PRIMARY KEY("user_id","id")
);
--> statement-breakpoint
CREATE TABLE "graph_subclusters" (
	"user_id" text NOT NULL,
	"id" text NOT NULL,
	"cluster_id" text NOT NULL,
	"node_ids" jsonb NOT NULL,
	"representative_node_id" integer NOT NULL,
	"size" integer NOT NULL,
	"density" double precision NOT NULL,
	"top_keywords" jsonb NOT NULL,
	CONSTRAINT "graph_subclusters_user_id_id_pk" PRIMARY KEY("user_id","id")
);
--> statement-breakpoint
CREATE TABLE "graph_summaries" (
	"user_id" text NOT NULL,
	"graph_version" integer NOT NULL,
	"task_id" text NOT NULL,
	"summary" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "graph_summaries_user_id_graph_version_pk" PRIMARY KEY("user_id","graph_version")
);
--> statement-breakpoint
CREATE TABLE "graphs" (
	"user_id" text PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"task_id" text NOT NULL,
	"generated_at" timestamp with time zone,
	"metadata" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"task_id" text NOT NULL,
	"user_id" text NOT NULL,
	"type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"task_id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"progress_stage" text,
	"progress_percent" integer,
	"eta_seconds" integer,
	"input_key" text NOT NULL,
	"result_key" text,
	"options" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error_code" text,
	"error_message" text,
	"error_detail" text,
	"warning" text,
	"attempt" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"deadline_at" timestamp with time zone,
	CONSTRAINT "jobs_kind_check" CHECK ("jobs"."kind" IN ('GRAPH_GENERATION', 'ADD_NODE', 'GRAPH_SUMMARY')),
	CONSTRAINT "jobs_status_check" CHECK ("jobs"."status" IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'))
);
--> statement-breakpoint
ALTER TABLE "graph_clusters" ADD CONSTRAINT "graph_clusters_user_id_graphs_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."graphs"("user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "graph_edges" ADD CONSTRAINT "graph_edges_user_id_graphs_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."graphs"("user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "graph_nodes" ADD CONSTRAINT "graph_nodes_user_id_graphs_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."graphs"("user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "graph_subclusters" ADD CONSTRAINT "graph_subclusters_user_id_graphs_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."graphs"("user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_events" ADD CONSTRAINT "job_events_task_id_jobs_task_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."jobs"("task_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "graph_edges_user_id_idx" ON "graph_edges" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "job_events_user_id_idx" ON "job_events" USING btree ("user_id","id");--> statement-breakpoint
CREATE INDEX "job_events_task_id_idx" ON "job_events" USING btree ("task_id","id");--> statement-breakpoint
CREATE INDEX "jobs_user_created_idx" ON "jobs" USING btree ("user_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "jobs_active_idx" ON "jobs" USING btree ("status","deadline_at") WHERE "jobs"."status" IN ('QUEUED', 'RUNNING');
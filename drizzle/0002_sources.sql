CREATE TABLE "sources" (
	"user_id" text NOT NULL,
	"kind" text NOT NULL,
	"id" text NOT NULL,
	"title" text,
	"content" jsonb NOT NULL,
	"graph_version" integer,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sources_user_id_kind_id_pk" PRIMARY KEY("user_id","kind","id"),
	CONSTRAINT "sources_kind_check" CHECK ("sources"."kind" IN ('conversation', 'note'))
);
--> statement-breakpoint
CREATE INDEX "sources_pending_idx" ON "sources" USING btree ("user_id") WHERE "sources"."graph_version" IS NULL;
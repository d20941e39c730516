-- Applies a batch of progress updates in one round trip (see JobsRepository.advanceProgress).
-- items: [{taskId, userId, stage, percent, etaSeconds, payload}], in the order received.
-- A job moves only while it is QUEUED or RUNNING and matches the item's owner and job_kind;
-- the newest item per (task, owner) sets the job's progress, and every item whose job moved
-- gets its own event, in item order. Returns (ord, id, created_at) per event; ord is the
-- item's 1-based position. Items that moved nothing return no row: the caller tells late
-- progress from foreign or unknown tasks.
-- Lock order (no deadlocks between batches or with single-job writers): job rows in
-- task_id order first, then the per-user event-append locks in key order.
CREATE FUNCTION apply_job_progress(items jsonb, job_kind text, event_type text, append_lock_class integer, started timestamptz, deadline timestamptz)
RETURNS TABLE (ord bigint, id bigint, created_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
  moved_tasks text[];
  moved_users text[];
BEGIN
  PERFORM 1 FROM jobs j
    WHERE j.task_id IN (SELECT e.value->>'taskId' FROM jsonb_array_elements(items) e)
    ORDER BY j.task_id
    FOR UPDATE;

  WITH latest AS (
    SELECT DISTINCT ON (e.value->>'taskId', e.value->>'userId') e.value AS v
    FROM jsonb_array_elements(items) WITH ORDINALITY e
    ORDER BY e.value->>'taskId', e.value->>'userId', e.ordinality DESC
  ), moved AS (
    UPDATE jobs j SET
      status = 'RUNNING',
      progress_stage = l.v->>'stage',
      progress_percent = (l.v->>'percent')::integer,
      eta_seconds = (l.v->>'etaSeconds')::integer,
      started_at = coalesce(j.started_at, started),
      deadline_at = deadline,
      updated_at = now()
    FROM latest l
    WHERE j.task_id = l.v->>'taskId' AND j.user_id = l.v->>'userId' AND j.kind = job_kind AND j.status IN ('QUEUED', 'RUNNING')
    RETURNING j.task_id, j.user_id
  )
  SELECT coalesce(array_agg(m.task_id), '{}'), coalesce(array_agg(m.user_id), '{}') INTO moved_tasks, moved_users FROM moved m;

  PERFORM pg_advisory_xact_lock(append_lock_class, k.key)
    FROM (
      SELECT DISTINCT hashtext(u) AS key FROM unnest(moved_users) u ORDER BY 1 OFFSET 0
    ) k;

  RETURN QUERY
  WITH applied AS (
    SELECT a.ord, a.v, nextval(pg_get_serial_sequence('job_events', 'id')) AS id
    FROM (
      SELECT e.ordinality AS ord, e.value AS v
      FROM jsonb_array_elements(items) WITH ORDINALITY e
      WHERE (e.value->>'taskId', e.value->>'userId') IN (SELECT * FROM unnest(moved_tasks, moved_users))
      ORDER BY e.ordinality
      OFFSET 0
    ) a
  ), inserted AS (
    INSERT INTO job_events (id, task_id, user_id, type, payload)
    SELECT a.id, a.v->>'taskId', a.v->>'userId', event_type, a.v->'payload' FROM applied a
    RETURNING job_events.id, job_events.created_at
  )
  SELECT a.ord, i.id, i.created_at FROM applied a JOIN inserted i ON i.id = a.id ORDER BY a.ord;
END
$$;

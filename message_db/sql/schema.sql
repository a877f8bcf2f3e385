-- Schema, extension, table and row type. Every statement is idempotent so
-- that the installer can be re-run on an existing store without losing data.
CREATE SCHEMA IF NOT EXISTS message_store;

-- Message DB installs pgcrypto; PostgreSQL 13+ has gen_random_uuid() in core,
-- but callers may rely on the extension being present.
CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE IF NOT EXISTS message_store.messages (
  global_position bigserial NOT NULL,
  position bigint NOT NULL,
  time timestamp without time zone NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
  stream_name text NOT NULL,
  type text NOT NULL,
  data jsonb,
  metadata jsonb,
  id uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid(),
  CONSTRAINT messages_pkey PRIMARY KEY (global_position)
);

-- The row returned by the get functions: data and metadata come back as
-- JSON text, not jsonb. Dropping and re-creating it would cascade to the
-- functions, so it is only created when missing.
DO $do$
BEGIN
  IF NOT EXISTS (
    SELECT FROM pg_catalog.pg_type t
    JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = 'message_store' AND t.typname = 'message'
  ) THEN
    CREATE TYPE message_store.message AS (
      id varchar,
      stream_name varchar,
      type varchar,
      position bigint,
      global_position bigint,
      data varchar,
      metadata varchar,
      time timestamp
    );
  END IF;
END
$do$;

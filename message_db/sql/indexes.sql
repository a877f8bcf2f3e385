-- Needs message_store.category(), so it is installed after the functions.
-- Each index is created only when missing: CREATE INDEX IF NOT EXISTS would
-- lock the table against writers even when the index exists, and the
-- installer must be safe to re-run on a live store.
DO $do$
DECLARE
  _index record;
BEGIN
  FOR _index IN
    SELECT * FROM (VALUES
      ('messages_id', 'CREATE UNIQUE INDEX messages_id ON message_store.messages (id)'),
      ('messages_stream', 'CREATE UNIQUE INDEX messages_stream ON message_store.messages (stream_name, position)'),
      ('messages_category', 'CREATE INDEX messages_category ON message_store.messages (
          message_store.category(stream_name),
          global_position,
          message_store.category(metadata->>''correlationStreamName''))')
    ) AS indexes (name, definition)
  LOOP
    IF pg_catalog.to_regclass('message_store.' || _index.name) IS NULL THEN
      EXECUTE _index.definition;
    END IF;
  END LOOP;
END
$do$;

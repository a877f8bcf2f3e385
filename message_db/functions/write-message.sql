-- Appends one message at the end of its stream and returns its position.
-- expected_version NULL means no check; -1 means the stream must not exist.
CREATE OR REPLACE FUNCTION message_store.write_message(
  id varchar,
  stream_name varchar,
  "type" varchar,
  data jsonb,
  metadata jsonb DEFAULT NULL,
  expected_version bigint DEFAULT NULL
)
RETURNS bigint
LANGUAGE plpgsql
VOLATILE
AS $$
DECLARE
  _stream_version bigint;
  _next_position bigint;
BEGIN
  PERFORM message_store.acquire_lock(write_message.stream_name);

  -- A new statement after the lock: it sees what the previous holder committed.
  _stream_version := COALESCE(message_store.stream_version(write_message.stream_name), -1);

  IF write_message.expected_version IS NOT NULL
      AND write_message.expected_version <> _stream_version THEN
    RAISE EXCEPTION 'Wrong expected version: % (Stream: %, Stream Version: %)',
      write_message.expected_version, write_message.stream_name, _stream_version;
  END IF;

  _next_position := _stream_version + 1;

  INSERT INTO message_store.messages (id, stream_name, position, type, data, metadata)
  VALUES (
    write_message.id::uuid,
    write_message.stream_name,
    _next_position,
    write_message.type,
    write_message.data,
    write_message.metadata
  );

  IF pg_catalog.current_setting('message_store.debug_write', true) = 'on'
      OR pg_catalog.current_setting('message_store.debug', true) = 'on' THEN
    RAISE NOTICE 'message_store.write_message';
    RAISE NOTICE 'id ($1): %', write_message.id;
    RAISE NOTICE 'stream_name ($2): %', write_message.stream_name;
    RAISE NOTICE 'type ($3): %', write_message.type;
    RAISE NOTICE 'data ($4): %', write_message.data;
    RAISE NOTICE 'metadata ($5): %', write_message.metadata;
    RAISE NOTICE 'expected_version ($6): %', write_message.expected_version;
    RAISE NOTICE '_stream_version: %', _stream_version;
    RAISE NOTICE '_next_position: %', _next_position;
  END IF;

  RETURN _next_position;
END;
$$;

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
  _id uuid;
  _current_version bigint;
  _new_position bigint;
BEGIN
  -- Checked before the insert draws a global position: a malformed id is
  -- refused without leaving a gap.
  _id := write_message.id::uuid;

  PERFORM message_store.acquire_lock(write_message.stream_name);

  -- A new statement after the lock: it sees what the previous holder committed.
  _current_version := COALESCE(message_store.stream_version(write_message.stream_name), -1);

  IF write_message.expected_version IS NOT NULL
      AND write_message.expected_version <> _current_version THEN
    RAISE EXCEPTION 'Wrong expected version: % (Stream: %, Stream Version: %)',
      write_message.expected_version, write_message.stream_name, _current_version;
  END IF;

  _new_position := _current_version + 1;

  INSERT INTO message_store.messages (id, stream_name, position, type, data, metadata)
  VALUES (
    _id,
    write_message.stream_name,
    _new_position,
    write_message.type,
    write_message.data,
    write_message.metadata
  );

  IF pg_catalog.current_setting('message_store.debug_write', true) = 'on'
      OR pg_catalog.current_setting('message_store.debug', true) = 'on' THEN
    RAISE NOTICE 'write_message(id => %, stream_name => %, type => %, data => %, metadata => %, expected_version => %): stream version was %, wrote position %',
      write_message.id, write_message.stream_name, write_message.type, write_message.data,
      write_message.metadata, write_message.expected_version, _current_version, _new_position;
  END IF;

  RETURN _new_position;
END;
$$;

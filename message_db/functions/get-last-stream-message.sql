-- The stream's message with the highest position, optionally only among
-- messages of the given type. No rows when there is none.
CREATE OR REPLACE FUNCTION message_store.get_last_stream_message(
  stream_name varchar,
  "type" varchar DEFAULT NULL
)
RETURNS SETOF message_store.message
LANGUAGE plpgsql
VOLATILE
AS $$
BEGIN
  IF pg_catalog.current_setting('message_store.debug_get', true) = 'on'
      OR pg_catalog.current_setting('message_store.debug', true) = 'on' THEN
    RAISE NOTICE 'get_last_stream_message(stream_name => %, type => %)',
      get_last_stream_message.stream_name, get_last_stream_message.type;
  END IF;

  RETURN QUERY
    SELECT m.id::varchar, m.stream_name::varchar, m.type::varchar,
           m.position, m.global_position,
           m.data::varchar, m.metadata::varchar, m.time
    FROM message_store.messages AS m
    WHERE m.stream_name = get_last_stream_message.stream_name
      AND (get_last_stream_message.type IS NULL OR m.type = get_last_stream_message.type)
    ORDER BY m.position DESC
    LIMIT 1;
END;
$$;

-- A batch of one stream's messages from a position on, in position order.
-- batch_size -1 means no limit; condition is a raw SQL filter that is only
-- accepted when the session sets message_store.sql_condition to on.
CREATE OR REPLACE FUNCTION message_store.get_stream_messages(
  stream_name varchar,
  "position" bigint DEFAULT 0,
  batch_size bigint DEFAULT 1000,
  condition varchar DEFAULT NULL
)
RETURNS SETOF message_store.message
LANGUAGE plpgsql
VOLATILE
AS $$
DECLARE
  _query text;
BEGIN
  IF message_store.is_category(get_stream_messages.stream_name) THEN
    RAISE EXCEPTION 'Must be a stream name: %', get_stream_messages.stream_name;
  END IF;

  get_stream_messages.position := COALESCE(get_stream_messages.position, 0);
  get_stream_messages.batch_size := COALESCE(get_stream_messages.batch_size, 1000);

  _query := '
    SELECT id::varchar, stream_name::varchar, type::varchar,
           position, global_position,
           data::varchar, metadata::varchar, time
    FROM message_store.messages
    WHERE stream_name = $1
      AND position >= $2';

  IF get_stream_messages.condition IS NOT NULL THEN
    IF COALESCE(pg_catalog.current_setting('message_store.sql_condition', true), 'off') = 'off' THEN
      RAISE EXCEPTION 'Retrieval with SQL condition is not activated';
    END IF;
    _query := _query || '
      AND (' || get_stream_messages.condition || ')';
  END IF;

  _query := _query || '
    ORDER BY position ASC';

  IF get_stream_messages.batch_size <> -1 THEN
    _query := _query || '
    LIMIT $3';
  END IF;

  IF pg_catalog.current_setting('message_store.debug_get', true) = 'on'
      OR pg_catalog.current_setting('message_store.debug', true) = 'on' THEN
    RAISE NOTICE 'get_stream_messages(stream_name => %, position => %, batch_size => %, condition => %) runs: %',
      get_stream_messages.stream_name, get_stream_messages.position,
      get_stream_messages.batch_size, get_stream_messages.condition, _query;
  END IF;

  RETURN QUERY EXECUTE _query
    USING get_stream_messages.stream_name,
          get_stream_messages.position,
          get_stream_messages.batch_size;
END;
$$;

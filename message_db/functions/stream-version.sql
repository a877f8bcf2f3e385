-- The position of the stream's last message, NULL for an empty stream.
CREATE OR REPLACE FUNCTION message_store.stream_version(
  stream_name varchar
)
RETURNS bigint
LANGUAGE sql
VOLATILE
AS $$
  SELECT max(m.position)
  FROM message_store.messages AS m
  WHERE m.stream_name = stream_version.stream_name
$$;

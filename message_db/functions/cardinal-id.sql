-- The first '+'-separated part of the id; NULL when the stream has no id.
CREATE OR REPLACE FUNCTION message_store.cardinal_id(
  stream_name varchar
)
RETURNS varchar
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $$
  SELECT pg_catalog.split_part(message_store.id(stream_name), '+', 1)
$$;

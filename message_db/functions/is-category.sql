-- True when the name has no '-'. Message DB answers true for NULL, and so
-- do we: get_stream_messages(NULL) is rejected as a category.
CREATE OR REPLACE FUNCTION message_store.is_category(
  stream_name varchar
)
RETURNS boolean
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $$
  SELECT pg_catalog.strpos(COALESCE(stream_name, ''), '-') = 0
$$;

-- Everything after the first '-' (the empty string for 'someStream-'),
-- or NULL when there is no '-'.
CREATE OR REPLACE FUNCTION message_store.id(
  stream_name varchar
)
RETURNS varchar
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $$
  SELECT CASE
    WHEN pg_catalog.strpos(stream_name, '-') = 0 THEN NULL
    ELSE pg_catalog.substr(stream_name, pg_catalog.strpos(stream_name, '-') + 1)
  END
$$;

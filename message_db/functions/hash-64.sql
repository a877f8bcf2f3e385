-- The first 64 bits of the MD5 digest, read as a signed big-endian integer.
-- Plain SQL (not PL/pgSQL) so the planner can inline it into queries and
-- index expressions.
CREATE OR REPLACE FUNCTION message_store.hash_64(
  value varchar
)
RETURNS bigint
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $$
  SELECT ('x' || pg_catalog.substr(pg_catalog.md5(value), 1, 16))::pg_catalog.bit(64)::bigint
$$;

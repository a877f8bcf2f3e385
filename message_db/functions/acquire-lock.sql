-- Serialises writers per category (not per stream) until the transaction
-- ends, so that within a category global-position order is commit order.
CREATE OR REPLACE FUNCTION message_store.acquire_lock(
  stream_name varchar
)
RETURNS bigint
LANGUAGE plpgsql
VOLATILE
AS $$
DECLARE
  _category varchar := message_store.category(acquire_lock.stream_name);
  _lock_key bigint := message_store.hash_64(_category);
BEGIN
  PERFORM pg_catalog.pg_advisory_xact_lock(_lock_key);

  IF pg_catalog.current_setting('message_store.debug_write', true) = 'on'
      OR pg_catalog.current_setting('message_store.debug', true) = 'on' THEN
    RAISE NOTICE 'acquire_lock(stream_name => %): locked category % (key %)',
      acquire_lock.stream_name, _category, _lock_key;
  END IF;

  RETURN _lock_key;
END;
$$;

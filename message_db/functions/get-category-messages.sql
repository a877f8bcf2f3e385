-- A batch of a category's messages from a global position on, in global
-- position order; optionally only those correlated to a category, only one
-- consumer group member's share (by the hash of the cardinal id; streams
-- without an id belong to no member), and only those matching a raw SQL
-- condition (when message_store.sql_condition is on).
--
-- Plan stability: a batch must come from an ordered scan of the
-- messages_category index that stops once batch_size rows have passed the
-- filters. The consumer-group hash filter cannot be estimated, and without
-- fresh statistics the planner prefers a bitmap scan of every remaining
-- message of the category plus a sort, per batch, which makes catching up
-- quadratic in the category length (SPEC 12.3). Sequential and bitmap scans
-- are therefore disabled for this function's own queries, and so are
-- parallel workers, whose start-up costs more than a batch.
CREATE OR REPLACE FUNCTION message_store.get_category_messages(
  category varchar,
  "position" bigint DEFAULT 1,
  batch_size bigint DEFAULT 1000,
  correlation varchar DEFAULT NULL,
  consumer_group_member bigint DEFAULT NULL,
  consumer_group_size bigint DEFAULT NULL,
  condition varchar DEFAULT NULL
)
RETURNS SETOF message_store.message
LANGUAGE plpgsql
VOLATILE
SET enable_seqscan = off
SET enable_bitmapscan = off
SET max_parallel_workers_per_gather = 0
AS $$
DECLARE
  _member bigint := get_category_messages.consumer_group_member;
  _size bigint := get_category_messages.consumer_group_size;
  _query text;
BEGIN
  IF NOT message_store.is_category(get_category_messages.category) THEN
    RAISE EXCEPTION 'Must be a category: %', get_category_messages.category;
  END IF;

  get_category_messages.position := COALESCE(get_category_messages.position, 1);
  get_category_messages.batch_size := COALESCE(get_category_messages.batch_size, 1000);

  _query := '
    SELECT id::varchar, stream_name::varchar, type::varchar,
           position, global_position,
           data::varchar, metadata::varchar, time
    FROM message_store.messages
    WHERE message_store.category(stream_name) = $1
      AND global_position >= $2';

  IF get_category_messages.correlation IS NOT NULL THEN
    IF NOT message_store.is_category(get_category_messages.correlation) THEN
      RAISE EXCEPTION 'Correlation must be a category (Correlation: %)',
        get_category_messages.correlation;
    END IF;
    _query := _query || '
      AND message_store.category(metadata->>''correlationStreamName'') = $4';
  END IF;

  IF (_member IS NULL) <> (_size IS NULL) THEN
    RAISE EXCEPTION 'Consumer group member and size must be specified (Consumer Group Member: %, Consumer Group Size: %)',
      _member, _size;
  END IF;

  IF _size IS NOT NULL THEN
    IF _size < 1 THEN
      RAISE EXCEPTION 'Consumer group size must not be less than 1 (Consumer Group Member: %, Consumer Group Size: %)',
        _member, _size;
    END IF;
    IF _member < 0 THEN
      RAISE EXCEPTION 'Consumer group member must not be less than 0 (Consumer Group Member: %, Consumer Group Size: %)',
        _member, _size;
    END IF;
    IF _member >= _size THEN
      RAISE EXCEPTION 'Consumer group member must be less than the group size (Consumer Group Member: %, Consumer Group Size: %)',
        _member, _size;
    END IF;
    -- abs() after mod() rather than before: abs() of the smallest bigint overflows.
    _query := _query || '
      AND pg_catalog.abs(pg_catalog.mod(message_store.hash_64(message_store.cardinal_id(stream_name)), $6)) = $5';
  END IF;

  IF get_category_messages.condition IS NOT NULL THEN
    IF COALESCE(pg_catalog.current_setting('message_store.sql_condition', true), 'off') = 'off' THEN
      RAISE EXCEPTION 'Retrieval with SQL condition is not activated';
    END IF;
    _query := _query || '
      AND (' || get_category_messages.condition || ')';
  END IF;

  _query := _query || '
    ORDER BY global_position ASC';

  IF get_category_messages.batch_size <> -1 THEN
    _query := _query || '
    LIMIT $3';
  END IF;

  IF pg_catalog.current_setting('message_store.debug_get', true) = 'on'
      OR pg_catalog.current_setting('message_store.debug', true) = 'on' THEN
    RAISE NOTICE 'get_category_messages(category => %, position => %, batch_size => %, correlation => %, consumer_group_member => %, consumer_group_size => %, condition => %) runs: %',
      get_category_messages.category, get_category_messages.position,
      get_category_messages.batch_size, get_category_messages.correlation,
      _member, _size, get_category_messages.condition, _query;
  END IF;

  RETURN QUERY EXECUTE _query
    USING get_category_messages.category, get_category_messages.position,
          get_category_messages.batch_size, get_category_messages.correlation,
          _member, _size;
END;
$$;

-- Everything before the first '-', category types included.
--
-- PL/pgSQL on purpose: the planner cannot inline it and prices it as
-- costly per row, so category reads use the messages_category index instead
-- of walking the primary key and filtering every later message of other
-- categories (which an inlined, cheap-looking split_part() invites).
CREATE OR REPLACE FUNCTION message_store.category(
  stream_name varchar
)
RETURNS varchar
LANGUAGE plpgsql
IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
  RETURN pg_catalog.split_part(category.stream_name, '-', 1);
END;
$$;

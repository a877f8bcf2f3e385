-- Optional: wakes consumers up when messages are written, instead of them
-- finding out at their next poll. Every INSERT statement into
-- message_store.messages sends one NOTIFY on channel 'message_store' per
-- category written, the category as its payload. PostgreSQL delivers it when
-- the writing transaction commits and folds duplicates within a transaction.
-- Nothing requires it: consumers that listen fall back to polling without it.
-- Works on evt-cpp's schema and on the official Message DB 1.3.
--
-- The price: PostgreSQL lets one transaction that sent a NOTIFY commit at a
-- time (a database-wide lock from its pre-commit to its commit), so with it
-- concurrent writers of different categories wait for each other's commits;
-- and every listener receives every category's notification. Install it
-- where write-to-handler latency matters more than concurrent write
-- throughput (tests/bench/consumer_latency.sh measures both).

CREATE OR REPLACE FUNCTION message_store.notify_categories()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  -- A payload must stay under 8000 bytes; a category that long is not
  -- announced (its consumers poll) rather than failing the write.
  PERFORM pg_notify('message_store', written.category)
  FROM (
    SELECT DISTINCT message_store.category(inserted.stream_name) AS category
    FROM inserted
  ) AS written
  WHERE octet_length(written.category) < 8000;
  RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS notify_categories ON message_store.messages;
CREATE TRIGGER notify_categories
  AFTER INSERT ON message_store.messages
  REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT
  EXECUTE FUNCTION message_store.notify_categories();

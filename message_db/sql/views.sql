-- The six summary views: message counts grouped by stream, type and
-- category, each with its share of all messages in percent (2 decimals).
-- They differ only in what they group by, so they are made from one template.
DO $do$
DECLARE
  _view record;
BEGIN
  FOR _view IN
    SELECT * FROM (VALUES
      ('stream_summary',        'stream_name'),
      ('type_summary',          'type'),
      ('stream_type_summary',   'stream_name, type'),
      ('type_stream_summary',   'type, stream_name'),
      ('category_type_summary', 'category, type'),
      ('type_category_summary', 'type, category')
    ) AS views (name, keys)
  LOOP
    EXECUTE format(
      'CREATE OR REPLACE VIEW message_store.%I AS
         SELECT %s,
                count(*) AS message_count,
                round(count(*) * 100 / sum(count(*)) OVER (), 2) AS percent
         FROM (SELECT message_store.category(stream_name) AS category, stream_name, type
               FROM message_store.messages) AS m
         GROUP BY %s
         ORDER BY %s',
      _view.name, _view.keys, _view.keys, _view.keys);
  END LOOP;
END
$do$;

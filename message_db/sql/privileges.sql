-- The application role may read and append, never update or delete.
GRANT USAGE ON SCHEMA message_store TO message_store;
GRANT SELECT, INSERT ON message_store.messages TO message_store;
GRANT USAGE, SELECT ON SEQUENCE message_store.messages_global_position_seq TO message_store;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA message_store TO message_store;
GRANT EXECUTE ON FUNCTION pg_catalog.gen_random_uuid() TO message_store;
GRANT SELECT
  ON message_store.stream_summary, message_store.type_summary,
     message_store.stream_type_summary, message_store.type_stream_summary,
     message_store.category_type_summary, message_store.type_category_summary
  TO message_store;

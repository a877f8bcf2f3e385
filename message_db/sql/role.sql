-- The role applications connect as. Creating it twice is not an error:
-- re-running the installer must be safe.
DO $do$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'message_store') THEN
    CREATE ROLE message_store WITH LOGIN;
  END IF;
END
$do$;

-- ADR 0120: the in-process catalogue cache of each product instance, and what keeps it fresh.
-- Every statement that changes products bumps the one catalogue version (under the row lock, so versions
-- commit in order) and notifies it on channel comptoir_catalogue after commit.
CREATE TABLE catalogue_version (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  v   bigint NOT NULL
);
INSERT INTO catalogue_version (one, v) VALUES (true, 1);

-- One row per running product instance that caches: the version it has applied and how long its lease
-- runs. An instance serves from its cache only within its lease, and a write is acknowledged only once
-- every instance with a live lease has applied its version (or its lease has run out).
CREATE TABLE cache_readers (
  reader_id    uuid PRIMARY KEY,
  seen_version bigint NOT NULL,
  lease_until  timestamptz NOT NULL,
  started_at   timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION f_catalogue_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  version bigint;
BEGIN
  UPDATE catalogue_version SET v = v + 1 RETURNING v INTO version;
  PERFORM pg_notify('comptoir_catalogue', version::text);
  RETURN NULL;
END
$fn$;

CREATE TRIGGER products_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON products
  FOR EACH STATEMENT EXECUTE FUNCTION f_catalogue_changed();

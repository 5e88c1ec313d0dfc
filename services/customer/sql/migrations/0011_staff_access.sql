-- Staff access (issue 12, ADR 0011): disabling staff, one-time password resets, absolute session
-- lifetimes. Numbered 0011 (not 0003) so that it does not collide with migrations other branches add.

-- A disabled account is refused at sign-in and at refresh; disabling revokes its refresh tokens.
-- A pending admin reset is one token per account (a new one replaces it), stored as SHA-256 like the
-- refresh tokens; while it is pending the password hash is unusable.
ALTER TABLE staff
  ADD COLUMN disabled_at      timestamptz,
  ADD COLUMN reset_token_hash text,
  ADD COLUMN reset_expires_at timestamptz,
  ADD CONSTRAINT staff_reset_pair CHECK ((reset_token_hash IS NULL) = (reset_expires_at IS NULL));
CREATE UNIQUE INDEX staff_reset_token ON staff (reset_token_hash) WHERE reset_token_hash IS NOT NULL;

-- When the sign-in that began the family happened: a family cannot outlive it by more than the
-- configured session lifetime (customer.staff_session_max_s / customer.shopper_session_max_s), however
-- often it is refreshed. Existing families start at their oldest token.
ALTER TABLE refresh_tokens ADD COLUMN session_started_at timestamptz;
UPDATE refresh_tokens t SET session_started_at = f.started
  FROM (SELECT family, min(created_at) AS started FROM refresh_tokens GROUP BY family) f
  WHERE t.family = f.family;
ALTER TABLE refresh_tokens ALTER COLUMN session_started_at SET NOT NULL;

-- The till looks a shopper up by exact phone (issue 12 §10): the digits of the number, a leading
-- North American "1" of an 11-digit number dropped, so "+1 514-555-0101" and "(514) 555 0101" are one.
CREATE FUNCTION f_phone_key(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $fn$ SELECT CASE WHEN d ~ '^1[0-9]{10}$' THEN substr(d, 2) ELSE d END
          FROM (SELECT regexp_replace($1, '[^0-9]', '', 'g') AS d) digits $fn$;
CREATE INDEX customers_phone_key ON customers (f_phone_key(phone)) WHERE phone IS NOT NULL;

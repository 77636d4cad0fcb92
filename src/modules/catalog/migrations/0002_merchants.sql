-- Merchants. owner_id is the merchant user's account id (auth): a plain uuid, no foreign key
-- leaves the schema. Limits mirror the API's validation (modules/catalog/validation.hpp) so that
-- no other path can store what the API would refuse.
--
-- opening_hours is the weekly schedule as the API shows it; weekly_open is the same schedule
-- compiled by the module (modules/catalog/opening_hours.hpp) into minutes since Monday 00:00 local
-- time, which is what "open at instant t" is evaluated on: the merchant is open when weekly_open
-- contains catalog.week_minute(t, time_zone).
CREATE TABLE catalog.merchants (
  id                uuid                   PRIMARY KEY,
  owner_id          uuid                   NOT NULL,
  name              text                   NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  description       text                   CHECK (char_length(description) BETWEEN 1 AND 1000),
  address           text                   NOT NULL CHECK (char_length(address) BETWEEN 1 AND 200),
  location          geography(Point, 4326) NOT NULL,
  phone             text                   NOT NULL CHECK (phone ~ '^\+[1-9][0-9]{1,14}$'),
  opening_hours     jsonb                  NOT NULL CHECK (jsonb_typeof(opening_hours) = 'object'),
  weekly_open       int4multirange         NOT NULL
                      CHECK (weekly_open <@ '{[0,10080)}'::int4multirange),
  time_zone         text                   NOT NULL,
  prep_time_minutes integer                NOT NULL CHECK (prep_time_minutes BETWEEN 0 AND 240),
  min_order_amount  bigint                 NOT NULL CHECK (min_order_amount BETWEEN 0 AND 100000000),
  currency          text                   NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  delivery_radius_m integer                NOT NULL CHECK (delivery_radius_m BETWEEN 100 AND 50000),
  created_at        timestamptz            NOT NULL DEFAULT now(),
  updated_at        timestamptz            NOT NULL DEFAULT now()
);

-- The search (GET /catalog/merchants) filters with ST_DWithin on this index, then orders the
-- merchants within the radius by distance.
CREATE INDEX merchants_location ON catalog.merchants USING gist (location);
-- "My merchants", in creation order (ids are UUIDv7, time-ordered).
CREATE INDEX merchants_owner ON catalog.merchants (owner_id, id);

-- Local minute of the week (0 = Monday 00:00 .. 10079 = Sunday 23:59) of instant `at` in time
-- zone `zone`; the tz database does the daylight-saving arithmetic. STABLE, not IMMUTABLE: the
-- tz database can change under a running server.
CREATE FUNCTION catalog.week_minute(at timestamptz, zone text) RETURNS integer
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
  SELECT (EXTRACT(ISODOW FROM local_time)::integer - 1) * 1440
         + EXTRACT(HOUR FROM local_time)::integer * 60
         + EXTRACT(MINUTE FROM local_time)::integer
  FROM (SELECT at AT TIME ZONE zone AS local_time) AS local
$$;

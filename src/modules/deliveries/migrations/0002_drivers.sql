-- Drivers and their last-known positions. user_id is the driver's account id (auth): a plain
-- uuid, no foreign key leaves the schema. capacity is how many deliveries the driver carries at
-- once; online_since is set while online.
CREATE TABLE deliveries.drivers (
  user_id      uuid        PRIMARY KEY,
  vehicle      text        NOT NULL CHECK (vehicle IN ('bike', 'scooter', 'car')),
  capacity     smallint    NOT NULL DEFAULT 1 CHECK (capacity BETWEEN 1 AND 5),
  online       boolean     NOT NULL DEFAULT false,
  online_since timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- The last position each driver reported, written in batches behind the pings (the live index,
-- modules/deliveries/live/, is what dispatch searches): one row per driver, replaced only by a
-- fix recorded later. written_at says when the batch reached the database.
CREATE TABLE deliveries.driver_positions (
  driver_id   uuid                   PRIMARY KEY REFERENCES deliveries.drivers (user_id) ON DELETE CASCADE,
  location    geography(Point, 4326) NOT NULL,
  accuracy_m  real,
  heading_deg real,
  speed_mps   real,
  recorded_at timestamptz            NOT NULL,
  written_at  timestamptz            NOT NULL DEFAULT now()
);

CREATE INDEX driver_positions_location ON deliveries.driver_positions USING gist (location);

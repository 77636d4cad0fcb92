-- Products at their current price. A product is priced in its merchant's currency (checked by
-- the module under a lock on the merchant row). DELETE is soft: deleted_at is set and the product
-- vanishes from every read, while orders that copied it keep their snapshot.
CREATE TABLE catalog.products (
  id           uuid        PRIMARY KEY,
  merchant_id  uuid        NOT NULL REFERENCES catalog.merchants (id),
  name         text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  description  text        CHECK (char_length(description) BETWEEN 1 AND 1000),
  price_amount bigint      NOT NULL CHECK (price_amount BETWEEN 1 AND 100000000),
  currency     text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  available    boolean     NOT NULL DEFAULT true,
  category     text        CHECK (char_length(category) BETWEEN 1 AND 50),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  deleted_at   timestamptz
);

-- The menu of one merchant in creation order (ids are UUIDv7), with or without a category.
CREATE INDEX products_menu ON catalog.products (merchant_id, id) WHERE deleted_at IS NULL;
CREATE INDEX products_menu_category ON catalog.products (merchant_id, category, id) WHERE deleted_at IS NULL;

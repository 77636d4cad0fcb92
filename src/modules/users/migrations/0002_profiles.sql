-- One profile per account, created from the auth module's `user.registered` event. user_id is
-- the account id issued by auth: a plain uuid, no foreign key leaves the schema.
-- Length limits mirror the API's validation (modules/users/validation.hpp); the database keeps
-- them too so no other path can store what the API would refuse.
CREATE TABLE users.profiles (
  user_id    uuid        PRIMARY KEY,
  email      text        NOT NULL CHECK (char_length(email) BETWEEN 3 AND 320),
  name       text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  phone      text        CHECK (phone ~ '^\+[1-9][0-9]{1,14}$'),
  locale     text        NOT NULL DEFAULT 'fr' CHECK (locale IN ('fr', 'en')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Callers are kept as Twilio names them, and two spellings of one number are one contact: Mexico's mobiles
-- still arrive as +52 1 and ten digits, though the "1" was dropped in 2019 and libphonenumber calls that form
-- invalid. The key is domain.contacts.phone_key in SQL (a "+" and the digits, +52 1 folded into +52; anything
-- else only itself), generated here so that every writer of contacts keeps it, the bulk fill included.
-- Numbers stored before this were all E.164 (libphonenumber refused the +52 1 form), so no two share a key.
CREATE FUNCTION caller_phone_key(phone text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE
        WHEN btrim(phone) NOT LIKE '+%' THEN btrim(phone)
        ELSE '+' || regexp_replace(regexp_replace(phone, '[^0-9]', '', 'g'), '^521([0-9]{10})$', '52\1')
    END
$$;
ALTER TABLE contacts ADD COLUMN phone_key text GENERATED ALWAYS AS (caller_phone_key(phone)) STORED;
CREATE UNIQUE INDEX contacts_phone_key_idx ON contacts (phone_key);

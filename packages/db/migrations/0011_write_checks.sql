-- Raises CRN01 unless a write rule holds: a record write that is one statement (the record, its
-- event and the rule check together) undoes itself when the rule refuses the row it wrote.
CREATE FUNCTION "cairn"."require_rule"(holds boolean) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF holds IS NOT TRUE THEN
    RAISE EXCEPTION 'The write rule does not allow this record.' USING ERRCODE = 'CRN01';
  END IF;
  RETURN true;
END
$$;

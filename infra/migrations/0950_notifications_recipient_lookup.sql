-- The sender finds a vendor owner's contact address by owner for every mail it sends:
-- without this index each lookup reads every vendor.
CREATE INDEX IF NOT EXISTS notify_vendors_owner ON notify_vendors (owner);

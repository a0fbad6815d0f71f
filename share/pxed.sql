-- pxed.sql: the PostgreSQL schema of pxed's lease store (lease-database)
-- and host inventory (host-database).
--
-- "pxed --db-init URL" runs this file in one transaction; it may be run
-- again on a database at this or an older version (it creates what is
-- missing and records the version).  pxed refuses a database whose
-- pxed_schema version is not the one it was built for.
--
-- Times are Unix seconds written by the servers (keep their clocks in
-- step with NTP); 9223372036854775807 is "never" (BOOTP).

CREATE TABLE IF NOT EXISTS pxed_schema (
	version		integer NOT NULL,
	installed	timestamptz NOT NULL DEFAULT now()
);

-- One row per IPv4 address that is or was bound.  The primary key is
-- what makes several servers share one pool: an address is claimed with
-- INSERT ... ON CONFLICT (addr) DO UPDATE ... WHERE the row is this
-- client's, or is no longer live, so two clients never hold one address.
CREATE TABLE IF NOT EXISTS pxed_lease4 (
	addr		inet PRIMARY KEY,
	client_id	bytea NOT NULL,		-- option 61, else htype + chaddr
	htype		smallint NOT NULL,
	hwaddr		bytea NOT NULL,
	state		text NOT NULL CHECK (state IN
			    ('offered', 'acked', 'declined', 'released')),
	expires		bigint NOT NULL,	-- Unix seconds
	hostname	text,
	server		text NOT NULL,		-- the pxed that wrote it
	updated		timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS pxed_lease4_client ON pxed_lease4 (client_id);

-- Host inventory (host-database): the fields of a conf.d host section,
-- one row per machine by MAC.  pxed LISTENs on pxed_hosts and reloads
-- the whole table when the trigger below notifies a change (version 2).
CREATE TABLE IF NOT EXISTS pxed_hosts (
	mac		macaddr PRIMARY KEY,
	name		text,			-- NULL: the MAC
	ip		inet,			-- fixed IPv4 address
	ip6		inet,			-- fixed IPv6 address
	hostname	text,			-- option 12
	tags		text[] NOT NULL DEFAULT '{}',
	boot		text,			-- pinned boot entry
	vars		jsonb NOT NULL DEFAULT '{}',	-- template variables
	updated		timestamptz NOT NULL DEFAULT now()
);

-- A DHCPv6 client is known by its DUID before its MAC, as a conf.d host
-- with duid (version 3): the DUID's bytes, NULL for none.
ALTER TABLE pxed_hosts ADD COLUMN IF NOT EXISTS duid bytea;
CREATE UNIQUE INDEX IF NOT EXISTS pxed_hosts_duid ON pxed_hosts (duid);

CREATE OR REPLACE FUNCTION pxed_hosts_notify() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('pxed_hosts', TG_OP);
	RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS pxed_hosts_notify ON pxed_hosts;
CREATE TRIGGER pxed_hosts_notify AFTER INSERT OR UPDATE OR DELETE OR
    TRUNCATE ON pxed_hosts FOR EACH STATEMENT
    EXECUTE FUNCTION pxed_hosts_notify();

-- One row per IPv6 address that is or was bound to an IA_NA (version 3;
-- pxed delegates no prefixes, so there are no IA_PD rows).  Claimed as
-- the IPv4 addresses are: INSERT ... ON CONFLICT (addr) DO UPDATE ...
-- WHERE the row is this client's (DUID and IAID), or no longer live.  A
-- declined address has an empty DUID and IAID 0.
CREATE TABLE IF NOT EXISTS pxed_lease6 (
	addr		inet PRIMARY KEY,
	duid		bytea NOT NULL,		-- option 1, the client's DUID
	iaid		bigint NOT NULL,	-- 0 to 4294967295
	hwaddr		bytea,			-- the client's MAC, when known
	state		text NOT NULL CHECK (state IN
			    ('offered', 'acked', 'declined', 'released')),
	expires		bigint NOT NULL,	-- Unix seconds
	hostname	text,
	server		text NOT NULL,		-- the pxed that wrote it
	updated		timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS pxed_lease6_client ON pxed_lease6 (duid, iaid);

DELETE FROM pxed_schema;
INSERT INTO pxed_schema (version) VALUES (3);

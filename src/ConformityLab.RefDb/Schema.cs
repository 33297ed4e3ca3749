namespace ConformityLab.RefDb;

/// <summary>
/// The schema, as numbered migrations per engine, applied in order on open. The version applied
/// is kept in <c>schema_migrations</c>; a database newer than this tool is refused.
/// </summary>
internal static class Schema
{
    /// <summary>The newest version this tool knows.</summary>
    public static int Latest => Sqlite.Count;

    /// <summary>SQLite: one file, WAL, foreign keys, and the IMEI-keyed tables WITHOUT ROWID.</summary>
    public static IReadOnlyList<string> Sqlite { get; } =
    [
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE tac (tac TEXT PRIMARY KEY, manufacturer TEXT NOT NULL, model TEXT NOT NULL, bands TEXT NOT NULL, allocation_date TEXT, device_type TEXT NOT NULL, optional_fields TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE stolen (imei TEXT PRIMARY KEY, raw TEXT, reporting_date TEXT, status TEXT, country TEXT, party TEXT, case_ref TEXT, make TEXT, model TEXT) WITHOUT ROWID;
        CREATE TABLE registration (imei TEXT PRIMARY KEY, raw TEXT, make TEXT, model TEXT, status TEXT, model_number TEXT, brand_name TEXT, device_type TEXT, radio_interface TEXT, device_id TEXT) WITHOUT ROWID;
        CREATE TABLE imports (id INTEGER PRIMARY KEY, list TEXT NOT NULL, source TEXT NOT NULL, imported TEXT NOT NULL, rows_ok INTEGER NOT NULL, rows_rejected INTEGER NOT NULL, rows_before INTEGER NOT NULL, content_sha256 TEXT NOT NULL, forced INTEGER NOT NULL);
        CREATE TABLE labs (name TEXT PRIMARY KEY, key_id TEXT NOT NULL UNIQUE, public_key TEXT NOT NULL, accreditation_id TEXT, valid_from TEXT NOT NULL, valid_to TEXT, revoked_from TEXT) WITHOUT ROWID;
        CREATE TABLE records (record_id TEXT PRIMARY KEY, report_id TEXT NOT NULL, lab TEXT NOT NULL REFERENCES labs(name), status TEXT NOT NULL, amends TEXT, conformity TEXT NOT NULL, tac TEXT, manufacturer TEXT, model TEXT, issued TEXT NOT NULL, ingested TEXT NOT NULL, canonical_sha256 TEXT NOT NULL, envelope TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE record_imeis (imei TEXT NOT NULL, record_id TEXT NOT NULL REFERENCES records(record_id), PRIMARY KEY (imei, record_id)) WITHOUT ROWID;
        CREATE TABLE certified_models (tac TEXT PRIMARY KEY, manufacturer TEXT, model TEXT, certificate_id TEXT NOT NULL, conformity TEXT NOT NULL, lab TEXT NOT NULL, issued TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE log_leaves (idx INTEGER PRIMARY KEY, kind TEXT NOT NULL, ref TEXT NOT NULL, entry BLOB NOT NULL);
        CREATE TABLE log_nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID;
        CREATE TABLE checkpoints (size INTEGER PRIMARY KEY, root BLOB NOT NULL, note TEXT NOT NULL, created TEXT NOT NULL);
        CREATE INDEX log_leaves_ref ON log_leaves (kind, ref);
        """,
        """
        CREATE TABLE lab_tokens (token_sha256 TEXT PRIMARY KEY, lab TEXT NOT NULL REFERENCES labs(name), created TEXT NOT NULL) WITHOUT ROWID;
        """,
        """
        CREATE TABLE observations (imei TEXT NOT NULL, imsi_hash BLOB NOT NULL, msisdn_hash BLOB NOT NULL, operator TEXT NOT NULL, month INTEGER NOT NULL, days INTEGER NOT NULL, rats INTEGER NOT NULL, import_id INTEGER NOT NULL, PRIMARY KEY (imei, imsi_hash, msisdn_hash, operator, month)) WITHOUT ROWID;
        CREATE TABLE observation_places (imei TEXT NOT NULL, day INTEGER NOT NULL, place TEXT NOT NULL, operator TEXT NOT NULL, PRIMARY KEY (imei, day, place, operator)) WITHOUT ROWID;
        CREATE TABLE pairings (imei TEXT NOT NULL, imsi_hash TEXT NOT NULL, PRIMARY KEY (imei, imsi_hash)) WITHOUT ROWID;
        CREATE TABLE classify_runs (id INTEGER PRIMARY KEY, created TEXT NOT NULL, as_of TEXT NOT NULL, conditions_sha256 TEXT NOT NULL, inputs TEXT NOT NULL, scope TEXT NOT NULL, watermark INTEGER NOT NULL, summary TEXT NOT NULL);
        CREATE TABLE classification (imei TEXT NOT NULL, condition TEXT NOT NULL, since TEXT NOT NULL, block_date TEXT NOT NULL, blocking INTEGER NOT NULL, reason TEXT NOT NULL, dimensions TEXT NOT NULL, run INTEGER NOT NULL, PRIMARY KEY (imei, condition)) WITHOUT ROWID;
        CREATE TABLE list_generations (id INTEGER PRIMARY KEY, created TEXT NOT NULL, as_of TEXT NOT NULL, policy TEXT NOT NULL, classify_run INTEGER NOT NULL, manifest TEXT NOT NULL);
        CREATE TABLE list_entries (list TEXT NOT NULL, imei TEXT NOT NULL, subscriber TEXT NOT NULL, block_date TEXT NOT NULL, reasons TEXT NOT NULL, added INTEGER NOT NULL, removed INTEGER, PRIMARY KEY (list, imei, subscriber, added)) WITHOUT ROWID;
        CREATE TABLE audits (id INTEGER PRIMARY KEY, created TEXT NOT NULL, operator TEXT NOT NULL, generation INTEGER NOT NULL, source TEXT NOT NULL, source_sha256 TEXT NOT NULL, report_sha256 TEXT NOT NULL, csv_sha256 TEXT NOT NULL, summary TEXT NOT NULL);
        """,
    ];

    /// <summary>PostgreSQL: the IMEI-keyed lists are hash-partitioned on the IMEI (8 partitions), the distribution key a distributed PostgreSQL would shard by.</summary>
    public static IReadOnlyList<string> Postgres { get; } =
    [
        """
        CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
        CREATE TABLE tac (tac text PRIMARY KEY, manufacturer text NOT NULL, model text NOT NULL, bands text NOT NULL, allocation_date text, device_type text NOT NULL, optional_fields text NOT NULL);
        CREATE TABLE stolen (imei text PRIMARY KEY, raw text, reporting_date text, status text, country text, party text, case_ref text, make text, model text) PARTITION BY HASH (imei);
        CREATE TABLE registration (imei text PRIMARY KEY, raw text, make text, model text, status text, model_number text, brand_name text, device_type text, radio_interface text, device_id text) PARTITION BY HASH (imei);
        DO $$ BEGIN FOR i IN 0..7 LOOP
          EXECUTE format('CREATE TABLE stolen_p%s PARTITION OF stolen FOR VALUES WITH (MODULUS 8, REMAINDER %s)', i, i);
          EXECUTE format('CREATE TABLE registration_p%s PARTITION OF registration FOR VALUES WITH (MODULUS 8, REMAINDER %s)', i, i);
        END LOOP; END $$;
        CREATE TABLE imports (id bigserial PRIMARY KEY, list text NOT NULL, source text NOT NULL, imported text NOT NULL, rows_ok bigint NOT NULL, rows_rejected bigint NOT NULL, rows_before bigint NOT NULL, content_sha256 text NOT NULL, forced integer NOT NULL);
        CREATE TABLE labs (name text PRIMARY KEY, key_id text NOT NULL UNIQUE, public_key text NOT NULL, accreditation_id text, valid_from text NOT NULL, valid_to text, revoked_from text);
        CREATE TABLE records (record_id text PRIMARY KEY, report_id text NOT NULL, lab text NOT NULL REFERENCES labs(name), status text NOT NULL, amends text, conformity text NOT NULL, tac text, manufacturer text, model text, issued text NOT NULL, ingested text NOT NULL, canonical_sha256 text NOT NULL, envelope text NOT NULL);
        CREATE TABLE record_imeis (imei text NOT NULL, record_id text NOT NULL REFERENCES records(record_id), PRIMARY KEY (imei, record_id));
        CREATE TABLE certified_models (tac text PRIMARY KEY, manufacturer text, model text, certificate_id text NOT NULL, conformity text NOT NULL, lab text NOT NULL, issued text NOT NULL);
        CREATE TABLE log_leaves (idx bigint PRIMARY KEY, kind text NOT NULL, ref text NOT NULL, entry bytea NOT NULL);
        CREATE TABLE log_nodes (level integer NOT NULL, idx bigint NOT NULL, hash bytea NOT NULL, PRIMARY KEY (level, idx));
        CREATE TABLE checkpoints (size bigint PRIMARY KEY, root bytea NOT NULL, note text NOT NULL, created text NOT NULL);
        CREATE INDEX log_leaves_ref ON log_leaves (kind, ref);
        """,
        """
        CREATE TABLE lab_tokens (token_sha256 text PRIMARY KEY, lab text NOT NULL REFERENCES labs(name), created text NOT NULL);
        """,
        """
        CREATE TABLE observations (imei text NOT NULL, imsi_hash bytea NOT NULL, msisdn_hash bytea NOT NULL, operator text NOT NULL, month integer NOT NULL, days integer NOT NULL, rats integer NOT NULL, import_id bigint NOT NULL, PRIMARY KEY (imei, imsi_hash, msisdn_hash, operator, month)) PARTITION BY HASH (imei);
        DO $$ BEGIN FOR i IN 0..7 LOOP
          EXECUTE format('CREATE TABLE observations_p%s PARTITION OF observations FOR VALUES WITH (MODULUS 8, REMAINDER %s)', i, i);
        END LOOP; END $$;
        CREATE TABLE observation_places (imei text NOT NULL, day integer NOT NULL, place text NOT NULL, operator text NOT NULL, PRIMARY KEY (imei, day, place, operator));
        CREATE TABLE pairings (imei text NOT NULL, imsi_hash text NOT NULL, PRIMARY KEY (imei, imsi_hash));
        CREATE TABLE classify_runs (id bigserial PRIMARY KEY, created text NOT NULL, as_of text NOT NULL, conditions_sha256 text NOT NULL, inputs text NOT NULL, scope text NOT NULL, watermark bigint NOT NULL, summary text NOT NULL);
        CREATE TABLE classification (imei text NOT NULL, condition text NOT NULL, since text NOT NULL, block_date text NOT NULL, blocking integer NOT NULL, reason text NOT NULL, dimensions text NOT NULL, run bigint NOT NULL, PRIMARY KEY (imei, condition));
        CREATE TABLE list_generations (id bigserial PRIMARY KEY, created text NOT NULL, as_of text NOT NULL, policy text NOT NULL, classify_run bigint NOT NULL, manifest text NOT NULL);
        CREATE TABLE list_entries (list text NOT NULL, imei text NOT NULL, subscriber text NOT NULL, block_date text NOT NULL, reasons text NOT NULL, added bigint NOT NULL, removed bigint, PRIMARY KEY (list, imei, subscriber, added));
        CREATE TABLE audits (id bigserial PRIMARY KEY, created text NOT NULL, operator text NOT NULL, generation bigint NOT NULL, source text NOT NULL, source_sha256 text NOT NULL, report_sha256 text NOT NULL, csv_sha256 text NOT NULL, summary text NOT NULL);
        """,
    ];
}

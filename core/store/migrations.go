package store

// migrations is the schema's history. Append new migrations at the end
// with the next version; never edit or reorder one that has shipped.
var migrations = []Migration{
	{Version: 1, Name: "create users and sessions", SQL: []string{
		`CREATE TABLE users (
			email VARCHAR(255) PRIMARY KEY,
			hashed_password TEXT NOT NULL,
			created_at {{time}} NOT NULL,
			updated_at {{time}} NOT NULL
		)`,
		`CREATE TABLE sessions (
			id VARCHAR(64) PRIMARY KEY,
			email VARCHAR(255) NOT NULL REFERENCES users (email) ON DELETE CASCADE,
			last_used_at {{time}} NOT NULL,
			created_at {{time}} NOT NULL
		)`,
		`CREATE INDEX idx_sessions_email ON sessions (email)`,
		`CREATE INDEX idx_sessions_last_used_at ON sessions (last_used_at)`,
	}},
	{Version: 2, Name: "create encrypted_keys", SQL: []string{
		`CREATE TABLE encrypted_keys (
			address {{bytes}} PRIMARY KEY,
			json {{bytes}} NOT NULL,
			created_at {{time}} NOT NULL
		)`,
	}},
	{Version: 3, Name: "create heads", SQL: []string{
		`CREATE TABLE heads (
			id {{id}},
			hash {{bytes}} NOT NULL UNIQUE,
			number BIGINT NOT NULL,
			parent_hash {{bytes}} NOT NULL,
			"timestamp" {{time}} NOT NULL,
			created_at {{time}} NOT NULL
		)`,
		`CREATE INDEX idx_heads_number ON heads (number)`,
	}},
	{Version: 4, Name: "create job_specs, initiators and task_specs", SQL: []string{
		`CREATE TABLE job_specs (
			id VARCHAR(32) PRIMARY KEY,
			created_at {{time}} NOT NULL,
			start_at {{time}},
			end_at {{time}},
			min_payment TEXT,
			archived_at {{time}}
		)`,
		`CREATE INDEX idx_job_specs_created_at ON job_specs (created_at)`,
		`CREATE INDEX idx_job_specs_archived_at ON job_specs (archived_at)`,
		`CREATE TABLE initiators (
			id {{id}},
			job_spec_id VARCHAR(32) NOT NULL REFERENCES job_specs (id) ON DELETE CASCADE,
			type VARCHAR(32) NOT NULL,
			params TEXT NOT NULL DEFAULT 'null'
		)`,
		`CREATE INDEX idx_initiators_job_spec_id ON initiators (job_spec_id)`,
		`CREATE INDEX idx_initiators_type ON initiators (type)`,
		`CREATE TABLE task_specs (
			id {{id}},
			job_spec_id VARCHAR(32) NOT NULL REFERENCES job_specs (id) ON DELETE CASCADE,
			"index" INTEGER NOT NULL,
			type VARCHAR(64) NOT NULL,
			confirmations BIGINT,
			params TEXT NOT NULL DEFAULT 'null',
			UNIQUE (job_spec_id, "index")
		)`,
	}},
	{Version: 6, Name: "txes", SQL: []string{
		`CREATE TABLE tx_nonces (
			address {{bytes}} PRIMARY KEY,
			next_nonce BIGINT NOT NULL,
			updated_at {{time}} NOT NULL
		)`,
		`CREATE TABLE txes (
			id {{id}},
			task_run_id VARCHAR(32) UNIQUE,
			from_address {{bytes}} NOT NULL,
			to_address {{bytes}} NOT NULL,
			data {{bytes}},
			value TEXT NOT NULL,
			gas_limit BIGINT NOT NULL,
			nonce BIGINT NOT NULL,
			state VARCHAR(20) NOT NULL,
			hash {{bytes}},
			block_number BIGINT,
			block_hash {{bytes}},
			receipt_status BIGINT,
			gas_used BIGINT,
			revert_reason TEXT,
			last_error TEXT,
			final_at {{time}},
			created_at {{time}} NOT NULL,
			updated_at {{time}} NOT NULL,
			UNIQUE (from_address, nonce)
		)`,
		`CREATE INDEX idx_txes_state ON txes (state)`,
		`CREATE TABLE tx_attempts (
			id {{id}},
			tx_id BIGINT NOT NULL REFERENCES txes (id) ON DELETE CASCADE,
			hash {{bytes}} NOT NULL UNIQUE,
			nonce BIGINT NOT NULL,
			gas_price TEXT,
			gas_fee_cap TEXT,
			gas_tip_cap TEXT,
			signed_raw_tx {{bytes}} NOT NULL,
			broadcast_at {{time}},
			broadcast_block BIGINT,
			created_at {{time}} NOT NULL
		)`,
		`CREATE INDEX idx_tx_attempts_tx_id ON tx_attempts (tx_id)`,
	}},
	{Version: 7, Name: "external_initiators", SQL: []string{
		`CREATE TABLE external_initiators (
			name VARCHAR(64) PRIMARY KEY,
			url TEXT,
			access_key_hash VARCHAR(64) NOT NULL UNIQUE,
			salt VARCHAR(64) NOT NULL,
			hashed_secret VARCHAR(64) NOT NULL,
			outgoing_token TEXT NOT NULL,
			outgoing_secret TEXT NOT NULL,
			created_at {{time}} NOT NULL,
			updated_at {{time}} NOT NULL
		)`,
	}},
}

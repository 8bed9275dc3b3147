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
	{Version: 5, Name: "runs", SQL: []string{
		`CREATE TABLE run_results (
			id {{id}},
			data TEXT NOT NULL DEFAULT 'null',
			status VARCHAR(40) NOT NULL,
			error_message TEXT,
			created_at {{time}} NOT NULL,
			updated_at {{time}} NOT NULL
		)`,
		`CREATE TABLE run_requests (
			id {{id}},
			job_spec_id VARCHAR(32) NOT NULL,
			request_id {{bytes}},
			requester {{bytes}},
			oracle_address {{bytes}},
			payment TEXT,
			callback_addr {{bytes}},
			callback_function_id {{bytes}},
			cancel_expiration TEXT,
			data_version TEXT,
			block_number BIGINT,
			block_hash {{bytes}},
			tx_hash {{bytes}},
			log_index BIGINT,
			request_params TEXT NOT NULL DEFAULT 'null',
			created_at {{time}} NOT NULL
		)`,
		`CREATE UNIQUE INDEX idx_run_requests_log ON run_requests (job_spec_id, block_hash, tx_hash, log_index)`,
		`CREATE INDEX idx_run_requests_tx_hash ON run_requests (tx_hash)`,
		`CREATE TABLE job_runs (
			id VARCHAR(32) PRIMARY KEY,
			job_spec_id VARCHAR(32) NOT NULL REFERENCES job_specs (id) ON DELETE CASCADE,
			initiator_id BIGINT,
			initiator_type VARCHAR(32),
			status VARCHAR(40) NOT NULL,
			result_id BIGINT REFERENCES run_results (id),
			run_request_id BIGINT REFERENCES run_requests (id),
			creation_height TEXT,
			observed_height TEXT,
			payment TEXT,
			created_at {{time}} NOT NULL,
			updated_at {{time}} NOT NULL,
			finished_at {{time}}
		)`,
		`CREATE INDEX idx_job_runs_job_spec_id ON job_runs (job_spec_id, created_at)`,
		`CREATE INDEX idx_job_runs_status ON job_runs (status)`,
		`CREATE INDEX idx_job_runs_created_at ON job_runs (created_at)`,
		`CREATE INDEX idx_job_runs_initiator_id ON job_runs (initiator_id)`,
		`CREATE TABLE task_runs (
			id VARCHAR(32) PRIMARY KEY,
			job_run_id VARCHAR(32) NOT NULL REFERENCES job_runs (id) ON DELETE CASCADE,
			task_spec_id BIGINT,
			"index" INTEGER NOT NULL,
			type VARCHAR(64) NOT NULL,
			status VARCHAR(40) NOT NULL,
			result_id BIGINT REFERENCES run_results (id),
			confirmations BIGINT NOT NULL DEFAULT 0,
			min_required_incoming_confirmations BIGINT NOT NULL DEFAULT 0,
			attempts INTEGER NOT NULL DEFAULT 0,
			wake_at {{time}},
			created_at {{time}} NOT NULL,
			updated_at {{time}} NOT NULL,
			UNIQUE (job_run_id, "index")
		)`,
		`CREATE INDEX idx_task_runs_status ON task_runs (status)`,
		`CREATE TABLE task_run_attempts (
			id {{id}},
			task_run_id VARCHAR(32) NOT NULL REFERENCES task_runs (id) ON DELETE CASCADE,
			attempt INTEGER NOT NULL,
			status VARCHAR(40) NOT NULL,
			error TEXT,
			created_at {{time}} NOT NULL
		)`,
		`CREATE INDEX idx_task_run_attempts_task_run_id ON task_run_attempts (task_run_id)`,
		`CREATE TABLE bridge_types (
			name VARCHAR(64) PRIMARY KEY,
			url TEXT NOT NULL,
			confirmations BIGINT NOT NULL DEFAULT 0,
			incoming_token_hash VARCHAR(64) NOT NULL,
			salt VARCHAR(64) NOT NULL,
			outgoing_token TEXT NOT NULL,
			minimum_contract_payment TEXT,
			created_at {{time}} NOT NULL,
			updated_at {{time}} NOT NULL
		)`,
		`CREATE TABLE log_cursors (
			address {{bytes}} PRIMARY KEY,
			last_block BIGINT NOT NULL,
			updated_at {{time}} NOT NULL
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
	{Version: 8, Name: "run_requests_request_id", SQL: []string{
		// A request a reorg moved to another block is found by its ID.
		`CREATE INDEX idx_run_requests_request_id ON run_requests (job_spec_id, request_id)`,
	}},
	{Version: 9, Name: "job_runs_run_request_id", SQL: []string{
		// A request's runs are found from the request (its earlier runs'
		// check, on every new request's way to its answer).
		`CREATE INDEX idx_job_runs_run_request_id ON job_runs (run_request_id)`,
	}},
}

package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// answerSQL is insertAnswers' statement: stepsCTEs ($1 to $28) behind
// the runs' locks, the key's nonces and the txes with their first
// attempts ($29 to $43). Everything it writes hangs on n, the nonce
// claim, which is made only when the key's next nonce is the one the
// txes were signed with and every run is live (lk, locked until the
// statement ends, so a cancellation waits for it or it sees the
// cancellation): else the statement writes nothing.
var answerSQL = `WITH lk AS MATERIALIZED (
	SELECT id FROM job_runs WHERE id = ANY($6::varchar[]) AND status NOT IN (` + finishedStatusList() + `) FOR UPDATE),
n AS (UPDATE tx_nonces SET next_nonce = $31::bigint, updated_at = $5::timestamptz
	WHERE address = $29::bytea AND next_nonce = $30::bigint
		AND (SELECT count(*) FROM lk) = cardinality($6::varchar[])
	RETURNING next_nonce),
t AS (INSERT INTO txes (task_run_id, from_address, to_address, data, value, gas_limit, nonce, state, created_at, updated_at)
	SELECT v.task_run_id, $29::bytea, v.to_address, v.data, v.value, v.gas_limit, v.nonce, v.state,
		$5::timestamptz, $5::timestamptz
	FROM unnest($32::varchar[], $33::bytea[], $34::bytea[], $35::text[], $36::bigint[], $37::bigint[], $38::varchar[])
		AS v(task_run_id, to_address, data, value, gas_limit, nonce, state)
	CROSS JOIN n RETURNING id, nonce),
ta AS (INSERT INTO tx_attempts (tx_id, hash, nonce, gas_price, gas_fee_cap, gas_tip_cap, signed_raw_tx, created_at)
	SELECT t.id, v.hash, v.nonce, v.gas_price, v.gas_fee_cap, v.gas_tip_cap, v.signed_raw_tx, $5::timestamptz
	FROM unnest($39::bytea[], $37::bigint[], $40::text[], $41::text[], $42::text[], $43::bytea[])
		AS v(hash, nonce, gas_price, gas_fee_cap, gas_tip_cap, signed_raw_tx)
	JOIN t ON t.nonce = v.nonce RETURNING id, tx_id, nonce),
` + stepsCTEs("EXISTS (SELECT 1 FROM n)") + `
SELECT (SELECT count(*) FROM n), (SELECT count(*) FROM jr), (SELECT count(*) FROM tr),
	COALESCE((SELECT string_agg(id::text, ',' ORDER BY o) FROM ids), ''),
	COALESCE((SELECT string_agg(id::text, ',' ORDER BY id) FROM at), ''),
	COALESCE((SELECT string_agg(tx_id::text, ',' ORDER BY nonce) FROM ta), ''),
	COALESCE((SELECT string_agg(id::text, ',' ORDER BY nonce) FROM ta), '')`

// InsertAnswers records answers on PostgreSQL in one statement, without
// a transaction: it claims the nonces of txs (one key's new txes, each
// with its signed first attempt, at consecutive nonces from first, in
// order), saves them and saves steps, the runs' steps that led to them
// (services.RunTxSender). One round trip, where claiming, inserting and
// saving in a transaction take five.
//
// It is all or nothing. ok is false, and nothing is written, when the
// key's next nonce is not first (another writer claimed it: the caller
// claims again the usual way) or a run of steps is missing or finished;
// or with an error (a task run that has a tx: ErrDuplicate). ok is true
// once the statement wrote: the txes, their attempts and the steps' rows
// then have their IDs, as InsertTxs and SaveRunsSteps give them, unless
// an error says what the statement returned did not add up.
func (s *Store) InsertAnswers(ctx context.Context, first uint64, txs []*models.Tx, steps []RunSteps) (ok bool, err error) {
	if s.dialect != DialectPostgres {
		return false, errors.New("recording answers in one statement: PostgreSQL only")
	}
	if len(txs) == 0 || len(steps) == 0 {
		return false, errors.New("recording answers: txes and steps are required")
	}
	from := txs[0].From
	var cols struct {
		taskRunID, value, state        []string
		to, data, hash, signed         [][]byte
		gasLimit, nonce                []int64
		gasPrice, gasFeeCap, gasTipCap []*string
	}
	for i, tx := range txs {
		if tx.From != from || tx.Nonce != first+uint64(i) {
			return false, fmt.Errorf("recording answers: tx %d is from %s at nonce %d, not %s at %d",
				i, tx.From.Hex(), tx.Nonce, from.Hex(), first+uint64(i))
		}
		if tx.TaskRunID == nil || len(tx.Attempts) != 1 || len(tx.Attempts[0].SignedRawTx) == 0 || tx.Attempts[0].BroadcastAt != nil {
			return false, fmt.Errorf("recording answers: tx at nonce %d needs a task run and one signed attempt, not yet sent", tx.Nonce)
		}
		if tx.Value == nil {
			tx.Value = models.NewBig(common.Big0)
		}
		data := tx.Data
		if data == nil {
			data = []byte{}
		}
		a := &tx.Attempts[0]
		cols.taskRunID = append(cols.taskRunID, *tx.TaskRunID)
		cols.to = append(cols.to, tx.To.Bytes())
		cols.data = append(cols.data, data)
		cols.value = append(cols.value, tx.Value.String())
		cols.gasLimit = append(cols.gasLimit, int64(tx.GasLimit))
		cols.nonce = append(cols.nonce, int64(tx.Nonce))
		cols.state = append(cols.state, string(tx.State))
		cols.hash = append(cols.hash, a.Hash.Bytes())
		cols.gasPrice = append(cols.gasPrice, bigText(a.GasPrice))
		cols.gasFeeCap = append(cols.gasFeeCap, bigText(a.GasFeeCap))
		cols.gasTipCap = append(cols.gasTipCap, bigText(a.GasTipCap))
		cols.signed = append(cols.signed, a.SignedRawTx)
	}
	now := time.Now().UTC()
	w, err := newStepsWrite(steps, now)
	if err != nil {
		return false, err
	}
	args := append(w.args, from.Bytes(), int64(first), int64(first)+int64(len(txs)),
		cols.taskRunID, cols.to, cols.data, cols.value, cols.gasLimit, cols.nonce, cols.state,
		cols.hash, cols.gasPrice, cols.gasFeeCap, cols.gasTipCap, cols.signed)
	var (
		claimed, runsUpdated, trsUpdated              int64
		resultIDs, attemptList, txList, txAttemptList string
	)
	if err := s.queryArrays(ctx, answerSQL, args, &claimed, &runsUpdated, &trsUpdated, &resultIDs, &attemptList,
		&txList, &txAttemptList); err != nil {
		return false, fmt.Errorf("recording %d answers from %s: %w", len(txs), from.Hex(), err)
	}
	if claimed == 0 {
		return false, nil
	}
	// Committed from here on: what follows only gives the rows in memory
	// their IDs.
	if err := s.stepsWritten(ctx, w, runsUpdated, trsUpdated, resultIDs, attemptList, len(steps) == 1); err != nil {
		return true, fmt.Errorf("recording %d answers: %w", len(txs), err)
	}
	txIDs, err := parseIDs(txList, len(txs))
	if err != nil {
		return true, fmt.Errorf("recording %d answers: txes: %w", len(txs), err)
	}
	attemptIDs, err := parseIDs(txAttemptList, len(txs))
	if err != nil {
		return true, fmt.Errorf("recording %d answers: tx attempts: %w", len(txs), err)
	}
	for i, tx := range txs {
		tx.ID, tx.CreatedAt, tx.UpdatedAt = txIDs[i], now, now
		a := &tx.Attempts[0]
		a.ID, a.TxID, a.CreatedAt = attemptIDs[i], txIDs[i], now
	}
	return true, nil
}

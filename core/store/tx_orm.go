package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// txNonce is a row of tx_nonces: the next nonce the TxManager gives out
// for a key. Updating the row locks it until the transaction ends, which
// serializes nonce assignment per key across nodes sharing a database.
type txNonce struct {
	Address   common.Address `gorm:"type:bytes;primaryKey"`
	NextNonce uint64
	UpdatedAt time.Time
}

func (txNonce) TableName() string { return "tx_nonces" }

// txStateColumns are the columns of txes that change after insert.
var txStateColumns = []string{
	"nonce", "state", "hash", "block_number", "block_hash", "receipt_status", "gas_used",
	"revert_reason", "last_error", "final_at", "updated_at",
}

func withAttempts(db *gorm.DB) *gorm.DB {
	return db.Preload("Attempts", func(db *gorm.DB) *gorm.DB { return db.Order("id") })
}

// InsertTx saves tx and its Attempts, setting their IDs and TxIDs. A
// TaskRunID that already has a transaction, or a nonce of tx.From already
// used, gives ErrDuplicate. Call it inside Transact so the attempts are
// saved with the transaction.
func (s *Store) InsertTx(ctx context.Context, tx *models.Tx) error {
	if tx == nil {
		return errors.New("inserting tx: tx is nil")
	}
	if tx.Value == nil {
		tx.Value = models.NewBig(common.Big0)
	}
	return s.Transact(ctx, func(db *Store) error {
		if err := db.conn(ctx).Omit(clause.Associations).Create(tx).Error; err != nil {
			return fmt.Errorf("inserting tx from %s nonce %d: %w", tx.From.Hex(), tx.Nonce, translate(err))
		}
		for i := range tx.Attempts {
			tx.Attempts[i].TxID = tx.ID
			if err := db.InsertTxAttempt(ctx, &tx.Attempts[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// InsertTxAttempt saves a new attempt of an existing tx; ErrDuplicate when
// its hash is saved already.
func (s *Store) InsertTxAttempt(ctx context.Context, a *models.TxAttempt) error {
	if a == nil || a.TxID == 0 || len(a.SignedRawTx) == 0 {
		return errors.New("inserting tx attempt: tx ID and signed transaction are required")
	}
	if err := s.conn(ctx).Create(a).Error; err != nil {
		return fmt.Errorf("inserting attempt %s of tx %d: %w", a.Hash.Hex(), a.TxID, translate(err))
	}
	return nil
}

// TxByID returns a tx with its attempts (oldest first), or ErrNotFound.
func (s *Store) TxByID(ctx context.Context, id int64) (*models.Tx, error) {
	var tx models.Tx
	if err := withAttempts(s.conn(ctx)).Where("id = ?", id).Take(&tx).Error; err != nil {
		return nil, fmt.Errorf("finding tx %d: %w", id, translate(err))
	}
	return &tx, nil
}

// TxByTaskRunID returns the tx of a task run with its attempts, or
// ErrNotFound.
func (s *Store) TxByTaskRunID(ctx context.Context, taskRunID string) (*models.Tx, error) {
	var tx models.Tx
	if err := withAttempts(s.conn(ctx)).Where("task_run_id = ?", taskRunID).Take(&tx).Error; err != nil {
		return nil, fmt.Errorf("finding tx of task run %s: %w", taskRunID, translate(err))
	}
	return &tx, nil
}

// TxsByTaskRunIDs returns the txs of the task runs of ids, without their
// attempts (the runs waiting on them need only their state and hash), by
// task run ID; a task run without a tx is left out.
func (s *Store) TxsByTaskRunIDs(ctx context.Context, ids []string) (map[string]*models.Tx, error) {
	out := make(map[string]*models.Tx, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var txs []*models.Tx
	if err := s.conn(ctx).Where("task_run_id IN ?", ids).Find(&txs).Error; err != nil {
		return nil, fmt.Errorf("finding txs of %d task runs: %w", len(ids), translate(err))
	}
	for _, tx := range txs {
		if tx.TaskRunID != nil {
			out[*tx.TaskRunID] = tx
		}
	}
	return out, nil
}

// TxByAttemptHash returns the tx one of whose attempts has hash, or
// ErrNotFound.
func (s *Store) TxByAttemptHash(ctx context.Context, hash common.Hash) (*models.Tx, error) {
	var a models.TxAttempt
	if err := s.conn(ctx).Where("hash = ?", hash).Take(&a).Error; err != nil {
		return nil, fmt.Errorf("finding tx attempt %s: %w", hash.Hex(), translate(err))
	}
	return s.TxByID(ctx, a.TxID)
}

// UnfinishedTxs returns every tx that is not final (unconfirmed or mined)
// with its attempts, by key and nonce.
func (s *Store) UnfinishedTxs(ctx context.Context) ([]models.Tx, error) {
	var txs []models.Tx
	err := withAttempts(s.conn(ctx)).
		Where("state IN ?", []models.TxState{models.TxStateUnconfirmed, models.TxStateMined}).
		Order("from_address, nonce").Find(&txs).Error
	if err != nil {
		return nil, fmt.Errorf("listing unfinished txes: %w", err)
	}
	return txs, nil
}

// Txs returns a page of txes, newest first, with their attempts, and the
// total count.
func (s *Store) Txs(ctx context.Context, offset, limit int) ([]models.Tx, int64, error) {
	if offset < 0 || limit <= 0 {
		return nil, 0, fmt.Errorf("listing txes: offset %d and limit %d must be >= 0 and > 0", offset, limit)
	}
	var total int64
	if err := s.conn(ctx).Model(&models.Tx{}).Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("counting txes: %w", err)
	}
	var txs []models.Tx
	if err := withAttempts(s.conn(ctx)).Order("id DESC").Offset(offset).Limit(limit).Find(&txs).Error; err != nil {
		return nil, 0, fmt.Errorf("listing txes: %w", err)
	}
	return txs, total, nil
}

// SaveTxState writes tx's changing columns (nonce, state, receipt fields,
// revert reason, last error, final time); ErrNotFound when tx is not
// saved.
func (s *Store) SaveTxState(ctx context.Context, tx *models.Tx) error {
	if tx == nil || tx.ID == 0 {
		return errors.New("saving tx state: tx ID is required")
	}
	tx.UpdatedAt = time.Now().UTC()
	res := s.conn(ctx).Model(&models.Tx{ID: tx.ID}).Select(txStateColumns).Omit(clause.Associations).Updates(tx)
	if res.Error != nil {
		return fmt.Errorf("saving tx %d: %w", tx.ID, translate(res.Error))
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("saving tx %d: %w", tx.ID, ErrNotFound)
	}
	return nil
}

// MarkTxAttemptBroadcast records that attempt id was handed to the chain
// at time at, when the latest head was block.
func (s *Store) MarkTxAttemptBroadcast(ctx context.Context, id int64, at time.Time, block int64) error {
	res := s.conn(ctx).Model(&models.TxAttempt{}).Where("id = ?", id).
		Updates(map[string]any{"broadcast_at": at.UTC(), "broadcast_block": block})
	if res.Error != nil {
		return fmt.Errorf("marking tx attempt %d broadcast: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("marking tx attempt %d broadcast: %w", id, ErrNotFound)
	}
	return nil
}

// LockNextNonce locks from's nonce row until the surrounding transaction
// ends and returns the next nonce to give out; ErrNotFound when the key
// has none yet (see RaiseNextNonce). Call it inside Transact.
func (s *Store) LockNextNonce(ctx context.Context, from common.Address) (uint64, error) {
	// A no-op UPDATE takes the row lock on PostgreSQL; SQLite has one
	// writer at a time anyway.
	res := s.conn(ctx).Exec("UPDATE tx_nonces SET next_nonce = next_nonce WHERE address = ?", from)
	if res.Error != nil {
		return 0, fmt.Errorf("locking nonce of %s: %w", from.Hex(), res.Error)
	}
	if res.RowsAffected == 0 {
		return 0, fmt.Errorf("locking nonce of %s: %w", from.Hex(), ErrNotFound)
	}
	return s.NextNonce(ctx, from)
}

// NextNonce returns the next nonce to give out for from, or ErrNotFound.
func (s *Store) NextNonce(ctx context.Context, from common.Address) (uint64, error) {
	var row txNonce
	if err := s.conn(ctx).Where("address = ?", from).Take(&row).Error; err != nil {
		return 0, fmt.Errorf("reading nonce of %s: %w", from.Hex(), translate(err))
	}
	return row.NextNonce, nil
}

// SetNextNonce sets from's next nonce; ErrNotFound when it has no row.
func (s *Store) SetNextNonce(ctx context.Context, from common.Address, next uint64) error {
	res := s.conn(ctx).Model(&txNonce{}).Where("address = ?", from).
		Updates(map[string]any{"next_nonce": next, "updated_at": time.Now().UTC()})
	if res.Error != nil {
		return fmt.Errorf("setting nonce of %s to %d: %w", from.Hex(), next, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("setting nonce of %s: %w", from.Hex(), ErrNotFound)
	}
	return nil
}

// RaiseNextNonce makes from's next nonce at least atLeast, creating its
// row when missing, and returns the resulting next nonce. It never lowers
// a nonce: lowering would hand out a nonce twice.
func (s *Store) RaiseNextNonce(ctx context.Context, from common.Address, atLeast uint64) (uint64, error) {
	err := s.conn(ctx).Exec(`INSERT INTO tx_nonces (address, next_nonce, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (address) DO UPDATE SET
			next_nonce = CASE WHEN tx_nonces.next_nonce < excluded.next_nonce THEN excluded.next_nonce ELSE tx_nonces.next_nonce END,
			updated_at = excluded.updated_at`,
		from, atLeast, time.Now().UTC()).Error
	if err != nil {
		return 0, fmt.Errorf("raising nonce of %s to %d: %w", from.Hex(), atLeast, err)
	}
	return s.NextNonce(ctx, from)
}

// TxsFromNonce returns from's txes at nonce or above that are not
// unconfirmed (mined, confirmed or reverted), with their attempts, by
// nonce. The TxManager asks it with the chain's nonce for the key: any tx
// it returns was mined in a block the chain no longer has. It reads the
// (from_address, nonce) index, so it is cheap when it finds nothing.
func (s *Store) TxsFromNonce(ctx context.Context, from common.Address, nonce uint64) ([]models.Tx, error) {
	var txs []models.Tx
	err := withAttempts(s.conn(ctx)).
		Where("from_address = ? AND nonce >= ? AND state <> ?", from, nonce, models.TxStateUnconfirmed).
		Order("nonce").Find(&txs).Error
	if err != nil {
		return nil, fmt.Errorf("listing txes of %s from nonce %d: %w", from.Hex(), nonce, err)
	}
	return txs, nil
}

// FinalTxsSince returns the final txes (confirmed or reverted) mined at
// block sinceBlock or later, without attempts, by block. The TxManager
// reads it once at start to know which receipts a reorg could still
// undo.
func (s *Store) FinalTxsSince(ctx context.Context, sinceBlock int64) ([]models.Tx, error) {
	var txs []models.Tx
	err := s.conn(ctx).
		Where("state IN ? AND block_number >= ?", []models.TxState{models.TxStateConfirmed, models.TxStateReverted}, sinceBlock).
		Order("block_number, id").Find(&txs).Error
	if err != nil {
		return nil, fmt.Errorf("listing final txes since block %d: %w", sinceBlock, err)
	}
	return txs, nil
}

// ClaimNonces locks from's nonce row until the surrounding transaction
// ends, advances it by n and returns the first of the n nonces the caller
// now owns (first, first+1, ...). It is one statement, so a creator holds
// the lock for one round trip less than LockNextNonce and SetNextNonce;
// ErrNotFound when the key has no row yet (see RaiseNextNonce). Call it
// inside Transact, so a rollback gives the nonces back.
func (s *Store) ClaimNonces(ctx context.Context, from common.Address, n uint64) (uint64, error) {
	if n == 0 {
		return 0, errors.New("claiming nonces: n must be positive")
	}
	var next []uint64
	err := s.conn(ctx).Raw("UPDATE tx_nonces SET next_nonce = next_nonce + ?, updated_at = ? WHERE address = ? RETURNING next_nonce",
		n, time.Now().UTC(), from).Scan(&next).Error
	if err != nil {
		return 0, fmt.Errorf("claiming %d nonces of %s: %w", n, from.Hex(), err)
	}
	if len(next) == 0 {
		return 0, fmt.Errorf("claiming nonces of %s: %w", from.Hex(), ErrNotFound)
	}
	return next[0] - n, nil
}

// InsertTxIfNew is InsertTx for a tx whose task run may have one already:
// then nothing is saved and it returns false, without the error that
// would abort the caller's PostgreSQL transaction. A concurrent insert for
// the same task run is waited for. Other conflicts (a used nonce, a known
// attempt hash) are still ErrDuplicate. The TxManager calls it while it
// holds the key's nonce lock, so it is one statement on PostgreSQL (one
// per row on SQLite, which has one writer anyway). Call it inside
// Transact.
func (s *Store) InsertTxIfNew(ctx context.Context, tx *models.Tx) (bool, error) {
	if tx == nil {
		return false, errors.New("inserting tx: tx is nil")
	}
	if tx.Value == nil {
		tx.Value = models.NewBig(common.Big0)
	}
	for i := range tx.Attempts {
		if len(tx.Attempts[i].SignedRawTx) == 0 {
			return false, errors.New("inserting tx: every attempt needs its signed transaction")
		}
	}
	now := time.Now().UTC()
	tx.CreatedAt, tx.UpdatedAt = now, now
	for i := range tx.Attempts {
		tx.Attempts[i].CreatedAt = now
	}
	var (
		inserted bool
		err      error
	)
	if s.dialect == DialectPostgres {
		inserted, err = s.insertTxPostgres(ctx, tx)
	} else {
		err = s.Transact(ctx, func(db *Store) error {
			inserted, err = db.insertTxEach(ctx, tx)
			return err
		})
	}
	if err != nil {
		return false, fmt.Errorf("inserting tx from %s nonce %d: %w", tx.From.Hex(), tx.Nonce, translate(s.translateDriverError(err)))
	}
	if !inserted {
		tx.ID = 0
	}
	return inserted, nil
}

// InsertTxs saves new txes, each with at least one attempt, setting
// their IDs: one statement on PostgreSQL, two on SQLite. A tx whose task
// run has one already is skipped, and then ok is false: the caller must
// roll its transaction back (the others were saved in it). Other
// conflicts are ErrDuplicate. Call it inside Transact.
func (s *Store) InsertTxs(ctx context.Context, txs []*models.Tx) (ok bool, err error) {
	if len(txs) == 0 {
		return true, nil
	}
	now := time.Now().UTC()
	for _, tx := range txs {
		if len(tx.Attempts) == 0 {
			return false, fmt.Errorf("inserting tx from %s nonce %d: it has no attempt", tx.From.Hex(), tx.Nonce)
		}
		for i := range tx.Attempts {
			if len(tx.Attempts[i].SignedRawTx) == 0 {
				return false, errors.New("inserting txes: every attempt needs its signed transaction")
			}
			tx.Attempts[i].CreatedAt = now
		}
		if tx.Value == nil {
			tx.Value = models.NewBig(common.Big0)
		}
		tx.CreatedAt, tx.UpdatedAt = now, now
	}
	if s.dialect == DialectPostgres {
		ok, err = s.insertTxsPostgres(ctx, txs)
	} else {
		err = s.Transact(ctx, func(db *Store) error {
			ok, err = db.insertTxsEach(ctx, txs)
			return err
		})
	}
	if err != nil {
		return false, fmt.Errorf("inserting %d txes: %w", len(txs), translate(s.translateDriverError(err)))
	}
	return ok, nil
}

// txKey is a tx's key and nonce, unique among txes.
type txKey struct {
	from  common.Address
	nonce uint64
}

// insertedTx is a row a tx insert returns.
type insertedTx struct {
	ID          int64
	FromAddress []byte
	Nonce       int64
}

// writeTxInsert writes to q a multi-row INSERT of txs into txes (up to
// its VALUES) and returns their arguments, with room for capacity.
func writeTxInsert(q *strings.Builder, txs []*models.Tx, capacity int) []any {
	args := make([]any, 0, capacity)
	q.WriteString("INSERT INTO txes (" + txInsertColumns + ") VALUES ")
	row := "(" + placeholders(18) + ")"
	for i, tx := range txs {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(row)
		args = append(args, txInsertArgs(tx)...)
	}
	return args
}

func (s *Store) insertTxsPostgres(ctx context.Context, txs []*models.Tx) (bool, error) {
	var q strings.Builder
	q.WriteString("WITH t AS (")
	args := writeTxInsert(&q, txs, 30*len(txs))
	q.WriteString(" ON CONFLICT (task_run_id) DO NOTHING RETURNING id, from_address, nonce)" +
		" INSERT INTO tx_attempts (tx_id, " + attemptInsertColumns + ") SELECT t.id, v.hash, v.nonce, v.gas_price, v.gas_fee_cap," +
		" v.gas_tip_cap, v.signed_raw_tx, v.broadcast_at, v.broadcast_block, v.created_at FROM t JOIN (VALUES ")
	first := true
	for _, tx := range txs {
		for i := range tx.Attempts {
			if !first {
				q.WriteString(", ")
			}
			first = false
			q.WriteString("(?::bytea, ?::bigint, ?::bytea, ?::bigint, ?::text, ?::text, ?::text, ?::bytea, ?::timestamptz, ?::bigint, ?::timestamptz)")
			args = append(args, tx.From, tx.Nonce)
			args = append(args, attemptInsertArgs(&tx.Attempts[i])...)
		}
	}
	q.WriteString(") AS v (from_address, tx_nonce, hash, nonce, gas_price, gas_fee_cap, gas_tip_cap, signed_raw_tx, broadcast_at," +
		" broadcast_block, created_at) ON v.from_address = t.from_address AND v.tx_nonce = t.nonce RETURNING id, tx_id, hash")
	rows, err := queryInserted(ctx, s, q.String(), args)
	if err != nil {
		return false, err
	}
	byHash := make(map[common.Hash]insertedAttempt, len(rows))
	for _, r := range rows {
		byHash[common.BytesToHash(r.Hash)] = r
	}
	all := true
	for _, tx := range txs {
		r, ok := byHash[tx.Attempts[0].Hash]
		if !ok {
			all = false // its task run has a tx
			continue
		}
		tx.ID = r.TxID
		for i := range tx.Attempts {
			a := &tx.Attempts[i]
			a.TxID, a.ID = tx.ID, byHash[a.Hash].ID
		}
	}
	return all, nil
}

func (s *Store) insertTxsEach(ctx context.Context, txs []*models.Tx) (bool, error) {
	var q strings.Builder
	args := writeTxInsert(&q, txs, 18*len(txs))
	q.WriteString(" ON CONFLICT (task_run_id) DO NOTHING RETURNING id, from_address, nonce")
	rows, err := queryAll(ctx, s, q.String(), args, func(r *sql.Rows, t *insertedTx) error {
		return r.Scan(&t.ID, &t.FromAddress, &t.Nonce)
	})
	if err != nil {
		return false, err
	}
	ids := make(map[txKey]int64, len(rows))
	for _, r := range rows {
		ids[txKey{common.BytesToAddress(r.FromAddress), uint64(r.Nonce)}] = r.ID
	}
	q.Reset()
	args = args[:0]
	q.WriteString("INSERT INTO tx_attempts (tx_id, " + attemptInsertColumns + ") VALUES ")
	row := "(" + placeholders(10) + ")"
	n := 0
	for _, tx := range txs {
		id, ok := ids[txKey{tx.From, tx.Nonce}]
		if !ok {
			continue
		}
		tx.ID = id
		for i := range tx.Attempts {
			tx.Attempts[i].TxID = id
			if n > 0 {
				q.WriteString(", ")
			}
			n++
			q.WriteString(row)
			args = append(append(args, id), attemptInsertArgs(&tx.Attempts[i])...)
		}
	}
	if n == 0 {
		return false, nil
	}
	q.WriteString(" RETURNING id, tx_id, hash")
	attempts, err := queryInserted(ctx, s, q.String(), args)
	if err != nil {
		return false, err
	}
	byHash := make(map[common.Hash]int64, len(attempts))
	for _, a := range attempts {
		byHash[common.BytesToHash(a.Hash)] = a.ID
	}
	for _, tx := range txs {
		for i := range tx.Attempts {
			if id, ok := byHash[tx.Attempts[i].Hash]; ok {
				tx.Attempts[i].ID = id
			}
		}
	}
	return len(ids) == len(txs), nil
}

// txInsertColumns are the columns of a new tx, in the order of txInsertArgs.
const txInsertColumns = `task_run_id, from_address, to_address, data, value, gas_limit, nonce, state, hash, block_number,
	block_hash, receipt_status, gas_used, revert_reason, last_error, final_at, created_at, updated_at`

func txInsertArgs(tx *models.Tx) []any {
	return []any{tx.TaskRunID, tx.From, tx.To, tx.Data, tx.Value, tx.GasLimit, tx.Nonce, tx.State, tx.Hash, tx.BlockNumber,
		tx.BlockHash, tx.ReceiptStatus, tx.GasUsed, tx.RevertReason, tx.LastError, tx.FinalAt, tx.CreatedAt, tx.UpdatedAt}
}

// attemptInsertColumns are the columns of a new attempt but its tx_id, in
// the order of attemptInsertArgs.
const attemptInsertColumns = `hash, nonce, gas_price, gas_fee_cap, gas_tip_cap, signed_raw_tx, broadcast_at, broadcast_block, created_at`

func attemptInsertArgs(a *models.TxAttempt) []any {
	return []any{a.Hash, a.Nonce, a.GasPrice, a.GasFeeCap, a.GasTipCap, a.SignedRawTx, a.BroadcastAt, a.BroadcastBlock, a.CreatedAt}
}

// insertedAttempt is a row an attempt insert returns.
type insertedAttempt struct {
	ID   int64
	TxID int64
	Hash []byte
}

// queryInserted runs a statement that returns inserted attempts.
func queryInserted(ctx context.Context, s *Store, query string, args []any) ([]insertedAttempt, error) {
	return queryAll(ctx, s, query, args, func(r *sql.Rows, a *insertedAttempt) error {
		return r.Scan(&a.ID, &a.TxID, &a.Hash)
	})
}

// queryAll runs a raw statement and scans each row it returns, through
// Rows and not gorm's Scan, which renders every statement with its
// arguments for its trace recorder (a sixth of the node's CPU under a
// burst of 1,000).
func queryAll[T any](ctx context.Context, s *Store, query string, args []any, scan func(*sql.Rows, *T) error) ([]T, error) {
	rows, err := s.conn(ctx).Raw(query, args...).Rows()
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, translate(err)
		}
		out = append(out, v)
	}
	return out, translate(rows.Err())
}

// insertTxPostgres saves tx and its attempts in one statement: the tx
// insert, skipped on a task run conflict, feeds the attempts' insert.
func (s *Store) insertTxPostgres(ctx context.Context, tx *models.Tx) (bool, error) {
	var q strings.Builder
	q.WriteString("WITH t AS (INSERT INTO txes (" + txInsertColumns + ") VALUES (" + placeholders(18) +
		") ON CONFLICT (task_run_id) DO NOTHING RETURNING id)")
	args := txInsertArgs(tx)
	if len(tx.Attempts) == 0 {
		q.WriteString(" SELECT id, id AS tx_id FROM t")
	} else {
		// The attempts' values are cast: in a SELECT they take no type
		// from the columns they go to.
		q.WriteString(" INSERT INTO tx_attempts (tx_id, " + attemptInsertColumns + ") SELECT t.id, v.* FROM t CROSS JOIN (VALUES ")
		for i := range tx.Attempts {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?::bytea, ?::bigint, ?::text, ?::text, ?::text, ?::bytea, ?::timestamptz, ?::bigint, ?::timestamptz)")
			args = append(args, attemptInsertArgs(&tx.Attempts[i])...)
		}
		q.WriteString(") AS v RETURNING id, tx_id, hash")
	}
	rows, err := queryInserted(ctx, s, q.String(), args)
	if err != nil {
		return false, err
	}
	if len(rows) == 0 {
		return false, nil
	}
	tx.ID = rows[0].TxID
	for i := range tx.Attempts {
		a := &tx.Attempts[i]
		a.TxID = tx.ID
		for _, r := range rows {
			if common.BytesToHash(r.Hash) == a.Hash {
				a.ID = r.ID
			}
		}
	}
	return true, nil
}

// insertTxEach saves tx, skipped on a task run conflict, then each
// attempt: one statement per row.
func (s *Store) insertTxEach(ctx context.Context, tx *models.Tx) (bool, error) {
	var ids []int64
	err := s.conn(ctx).Raw("INSERT INTO txes ("+txInsertColumns+") VALUES ("+placeholders(18)+
		") ON CONFLICT (task_run_id) DO NOTHING RETURNING id", txInsertArgs(tx)...).Scan(&ids).Error
	if err != nil || len(ids) == 0 {
		return false, err
	}
	tx.ID = ids[0]
	for i := range tx.Attempts {
		a := &tx.Attempts[i]
		a.TxID = tx.ID
		var aid []int64
		err := s.conn(ctx).Raw("INSERT INTO tx_attempts (tx_id, "+attemptInsertColumns+") VALUES (?, "+placeholders(9)+") RETURNING id",
			append([]any{tx.ID}, attemptInsertArgs(a)...)...).Scan(&aid).Error
		if err != nil {
			return false, err
		}
		if len(aid) == 1 {
			a.ID = aid[0]
		}
	}
	return true, nil
}

// translateDriverError maps a driver error that gorm did not see (one
// met while reading a statement's rows) to gorm's errors.
func (s *Store) translateDriverError(err error) error {
	if t, ok := s.db.Dialector.(gorm.ErrorTranslator); ok {
		return t.Translate(err)
	}
	return err
}

// placeholders returns n comma-separated question marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// AttemptBroadcast says that attempt ID was handed to the chain at At,
// when the latest head was Block.
type AttemptBroadcast struct {
	ID    int64
	At    time.Time
	Block int64
}

// markBatchSize bounds the attempts one UPDATE marks, so a statement stays
// a few tens of kilobytes.
const markBatchSize = 500

// MarkTxAttemptsBroadcast records many broadcasts in one UPDATE (per 500
// attempts). Each attempt gets its own block; broadcast_at is the earliest
// time of the batch (the attempts were all handed to the chain by then).
// An attempt that is gone (its tx deleted) is skipped.
func (s *Store) MarkTxAttemptsBroadcast(ctx context.Context, marks []AttemptBroadcast) error {
	for start := 0; start < len(marks); start += markBatchSize {
		chunk := marks[start:min(start+markBatchSize, len(marks))]
		// IDs and blocks are integers of the node's own: written into the
		// statement, so one statement sets a different block per row on
		// both engines without typed CASE parameters.
		var q strings.Builder
		q.WriteString("UPDATE tx_attempts SET broadcast_at = ?, broadcast_block = CASE id")
		ids := make([]int64, len(chunk))
		at := chunk[0].At
		for i, m := range chunk {
			fmt.Fprintf(&q, " WHEN %d THEN %d", m.ID, m.Block)
			ids[i] = m.ID
			if m.At.Before(at) {
				at = m.At
			}
		}
		q.WriteString(" END WHERE id IN ?")
		if err := s.conn(ctx).Exec(q.String(), at.UTC(), ids).Error; err != nil {
			return fmt.Errorf("marking %d tx attempts broadcast: %w", len(chunk), err)
		}
	}
	return nil
}

// UnfinishedTxIDs returns the IDs of the txes that are not final, from
// the state index alone: the TxManager compares them with the txes it
// holds and loads only the new ones.
func (s *Store) UnfinishedTxIDs(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := s.conn(ctx).Model(&models.Tx{}).
		Where("state IN ?", []models.TxState{models.TxStateUnconfirmed, models.TxStateMined}).
		Order("id").Pluck("id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("listing unfinished tx IDs: %w", err)
	}
	return ids, nil
}

// TxsByIDs returns the txes of ids that exist, with their attempts, by
// key and nonce.
func (s *Store) TxsByIDs(ctx context.Context, ids []int64) ([]models.Tx, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var txs []models.Tx
	if err := withAttempts(s.conn(ctx)).Where("id IN ?", ids).Order("from_address, nonce").Find(&txs).Error; err != nil {
		return nil, fmt.Errorf("listing %d txes by ID: %w", len(ids), err)
	}
	return txs, nil
}

// MaxSettledNonce returns the highest nonce of from's txes that are not
// unconfirmed (mined, confirmed or reverted); ok is false when it has
// none.
func (s *Store) MaxSettledNonce(ctx context.Context, from common.Address) (nonce uint64, ok bool, err error) {
	var row struct{ N *int64 }
	err = s.conn(ctx).Model(&models.Tx{}).Select("MAX(nonce) AS n").
		Where("from_address = ? AND state <> ?", from, models.TxStateUnconfirmed).Scan(&row).Error
	if err != nil {
		return 0, false, fmt.Errorf("reading highest settled nonce of %s: %w", from.Hex(), err)
	}
	if row.N == nil {
		return 0, false, nil
	}
	return uint64(*row.N), true, nil
}

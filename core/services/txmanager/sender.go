package txmanager

import (
	"context"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
)

// TaskRunSender adapts a TxManager to the ethtx adapter's TxSender: it
// creates (or finds) the task run's transaction in a database transaction
// of its own and returns the first attempt's hash.
type TaskRunSender struct {
	Manager *TxManager
}

// CreateTx records and sends a transaction for taskRunID; a second call
// for the same task run returns the first transaction's hash.
func (s TaskRunSender) CreateTx(ctx context.Context, taskRunID string, from, to common.Address, data []byte, gasLimit uint64) (common.Hash, error) {
	tx, err := s.Manager.CreateTx(ctx, nil, TxRequest{TaskRunID: taskRunID, From: from, To: to, Data: data, GasLimit: gasLimit, Value: new(big.Int)})
	if err != nil {
		return common.Hash{}, err
	}
	return tx.Attempts[0].Hash, nil
}

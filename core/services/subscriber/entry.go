package subscriber

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// ErrNoOracleAddress says a runlog initiator names no Oracle and no
// default Oracle (ORACLE_CONTRACT_ADDRESS) is configured.
var ErrNoOracleAddress = errors.New("runlog initiator has no params.address and no default oracle address is configured")

// entry is one log initiator of one job, watching one address.
type entry struct {
	job     *models.JobSpec
	initr   models.Initiator
	params  models.InitiatorParams
	address common.Address
}

// entriesFor returns the job's runlog and ethlog initiators as entries.
func entriesFor(job *models.JobSpec, defaultOracle *common.Address) ([]entry, error) {
	j := *job
	var out []entry
	for i, in := range j.Initiators {
		if in.Type != models.InitiatorRunLog && in.Type != models.InitiatorEthLog {
			continue
		}
		p, err := in.DecodeParams()
		if err != nil {
			return nil, fmt.Errorf("initiators[%d]: %w", i, err)
		}
		e := entry{job: &j, initr: in, params: p}
		switch {
		case p.Address != nil:
			e.address = *p.Address
		case in.Type == models.InitiatorRunLog && defaultOracle != nil:
			e.address = *defaultOracle
		case in.Type == models.InitiatorRunLog:
			return nil, fmt.Errorf("initiators[%d]: %w", i, ErrNoOracleAddress)
		default:
			return nil, fmt.Errorf("initiators[%d]: ethlog initiator has no params.address", i)
		}
		out = append(out, e)
	}
	return out, nil
}

// delivery is one run to start: a job's initiator matched a log.
type delivery struct {
	entry entry
	req   *models.RunRequest
	input models.JSON
}

// matchLog returns the runs a log starts among the entries watching its
// address, in entry order. Logs that are malformed, or that no entry
// wants, are logged and yield nothing; it never panics.
func matchLog(es []entry, l types.Log, lggr *slog.Logger) []delivery {
	var out []delivery
	var req *models.OracleRequest
	var params models.JSON
	decoded, bad := false, false
	var ethInput models.JSON
	for _, e := range es {
		switch e.initr.Type {
		case models.InitiatorRunLog:
			if len(l.Topics) == 0 || l.Topics[0] != models.OracleRequestTopic {
				continue // another event of the Oracle
			}
			if !decoded {
				decoded = true
				req, params, bad = decodeRequest(l, lggr)
			}
			if bad || !models.SpecIDMatches(e.job.ID, req.SpecID) {
				continue
			}
			if len(e.params.Requesters) > 0 && !slices.Contains(e.params.Requesters, req.Requester) {
				lggr.Warn("ignoring request from a requester not on the job's allow-list",
					"job_id", e.job.ID, "requester", req.Requester, "request_id", common.Hash(req.RequestID),
					"tx_hash", l.TxHash, "block_number", l.BlockNumber)
				continue
			}
			rr := models.NewRunRequest(req, params)
			out = append(out, delivery{entry: e, req: &rr, input: params})
		case models.InitiatorEthLog:
			if !topicsMatch(e.params.Topics, l.Topics) {
				continue
			}
			if ethInput == nil {
				var err error
				if ethInput, err = logInput(l); err != nil {
					lggr.Error("skipping log that cannot be encoded", "tx_hash", l.TxHash, "block_number", l.BlockNumber, "err", err)
					return out
				}
			}
			out = append(out, delivery{entry: e, req: logRunRequest(l, ethInput), input: ethInput})
		}
	}
	return out
}

// decodeRequest decodes an OracleRequest log and its CBOR parameters;
// bad is true (and the problem logged) when either is malformed.
func decodeRequest(l types.Log, lggr *slog.Logger) (req *models.OracleRequest, params models.JSON, bad bool) {
	req, err := models.DecodeOracleRequest(l)
	if err != nil {
		lggr.Warn("skipping malformed OracleRequest log", "tx_hash", l.TxHash, "block_number", l.BlockNumber, "log_index", l.Index, "err", err)
		return nil, nil, true
	}
	params, err = models.DecodeRequestParamsJSON(req.Data)
	if err != nil {
		lggr.Warn("skipping OracleRequest with malformed parameters", "request_id", common.Hash(req.RequestID),
			"tx_hash", l.TxHash, "block_number", l.BlockNumber, "log_index", l.Index, "err", err)
		return nil, nil, true
	}
	return req, params, false
}

// topicsMatch applies an ethlog topics filter as eth_getLogs does: the
// log needs at least as many topics as the filter has positions, and at
// each position one of the filter's hashes, or any when it lists none.
func topicsMatch(filter [][]common.Hash, topics []common.Hash) bool {
	if len(filter) > len(topics) {
		return false
	}
	for i, alts := range filter {
		if len(alts) > 0 && !slices.Contains(alts, topics[i]) {
			return false
		}
	}
	return true
}

// LogInput is the input of a run an ethlog job starts: the log's fields
// as eth_getLogs returns them, numbers and bytes in 0x hex.
type LogInput struct {
	Address          common.Address `json:"address"`
	Topics           []common.Hash  `json:"topics"`
	Data             hexutil.Bytes  `json:"data"`
	BlockNumber      hexutil.Uint64 `json:"blockNumber"`
	BlockHash        common.Hash    `json:"blockHash"`
	TransactionHash  common.Hash    `json:"transactionHash"`
	TransactionIndex hexutil.Uint   `json:"transactionIndex"`
	LogIndex         hexutil.Uint   `json:"logIndex"`
}

func logInput(l types.Log) (models.JSON, error) {
	in := LogInput{
		Address:          l.Address,
		Topics:           l.Topics,
		Data:             l.Data,
		BlockNumber:      hexutil.Uint64(l.BlockNumber),
		BlockHash:        l.BlockHash,
		TransactionHash:  l.TxHash,
		TransactionIndex: hexutil.Uint(l.TxIndex),
		LogIndex:         hexutil.Uint(l.Index),
	}
	if in.Topics == nil {
		in.Topics = []common.Hash{}
	}
	if in.Data == nil {
		in.Data = hexutil.Bytes{}
	}
	b, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("encoding log input: %w", err)
	}
	return models.JSON(b), nil
}

// logRunRequest records where an ethlog run's log sits, the key the
// executor keeps unique.
func logRunRequest(l types.Log, input models.JSON) *models.RunRequest {
	blockNumber, blockHash, txHash, logIndex := l.BlockNumber, l.BlockHash, l.TxHash, l.Index
	return &models.RunRequest{
		BlockNumber:   &blockNumber,
		BlockHash:     &blockHash,
		TxHash:        &txHash,
		LogIndex:      &logIndex,
		RequestParams: input,
	}
}

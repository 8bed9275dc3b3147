package web

import (
	"strconv"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// SpecAttributes is a job spec as the API shows it. Runs, in GET
// /v2/specs/:id only, are its most recent runs.
type SpecAttributes struct {
	ID         string                `json:"id"`
	CreatedAt  time.Time             `json:"createdAt"`
	StartAt    *time.Time            `json:"startAt"`
	EndAt      *time.Time            `json:"endAt"`
	MinPayment *string               `json:"minPayment"`
	ArchivedAt *time.Time            `json:"archivedAt"`
	Initiators []InitiatorAttributes `json:"initiators"`
	Tasks      []TaskAttributes      `json:"tasks"`
	Runs       []RunSummary          `json:"runs,omitempty"`
}

// InitiatorAttributes is one initiator of a job.
type InitiatorAttributes struct {
	Type   string      `json:"type"`
	Params models.JSON `json:"params"`
}

// TaskAttributes is one task of a job.
type TaskAttributes struct {
	Type          string      `json:"type"`
	Confirmations *uint32     `json:"confirmations"`
	Params        models.JSON `json:"params"`
}

// RunSummary is a run in a job's list of recent runs.
type RunSummary struct {
	ID         string           `json:"id"`
	Status     models.RunStatus `json:"status"`
	CreatedAt  time.Time        `json:"createdAt"`
	FinishedAt *time.Time       `json:"finishedAt"`
}

func presentSpec(js *models.JobSpec, runs []models.JobRun) Resource {
	a := SpecAttributes{
		ID: js.ID, CreatedAt: js.CreatedAt, StartAt: js.StartAt, EndAt: js.EndAt,
		MinPayment: js.MinPayment, ArchivedAt: js.ArchivedAt,
		Initiators: make([]InitiatorAttributes, 0, len(js.Initiators)),
		Tasks:      make([]TaskAttributes, 0, len(js.Tasks)),
	}
	for _, in := range js.Initiators {
		a.Initiators = append(a.Initiators, InitiatorAttributes{Type: in.Type, Params: orEmptyObject(in.Params)})
	}
	for _, t := range js.Tasks {
		a.Tasks = append(a.Tasks, TaskAttributes{Type: t.Type, Confirmations: t.Confirmations, Params: orEmptyObject(t.Params)})
	}
	if runs != nil {
		a.Runs = make([]RunSummary, 0, len(runs))
		for _, r := range runs {
			a.Runs = append(a.Runs, RunSummary{ID: r.ID, Status: r.Status, CreatedAt: r.CreatedAt, FinishedAt: r.FinishedAt})
		}
	}
	return Resource{Type: "specs", ID: js.ID, Attributes: a}
}

func orEmptyObject(j models.JSON) models.JSON {
	if j.IsNull() {
		return models.JSON("{}")
	}
	return j
}

// RunAttributes is a job run as the API shows it: its status, its result
// (the last task's data, or the error that stopped it) and each task run.
type RunAttributes struct {
	ID             string              `json:"id"`
	JobID          string              `json:"jobId"`
	Status         models.RunStatus    `json:"status"`
	InitiatorType  string              `json:"initiatorType"`
	Result         models.JSON         `json:"result"`
	Error          *string             `json:"error"`
	Payment        *models.Big         `json:"payment,omitempty"`
	CreationHeight *models.Big         `json:"creationHeight,omitempty"`
	ObservedHeight *models.Big         `json:"observedHeight,omitempty"`
	Request        *models.RunRequest  `json:"request,omitempty"`
	TaskRuns       []TaskRunAttributes `json:"taskRuns"`
	CreatedAt      time.Time           `json:"createdAt"`
	UpdatedAt      time.Time           `json:"updatedAt"`
	FinishedAt     *time.Time          `json:"finishedAt"`
}

// TaskRunAttributes is one task of a run. TxHash is the hash of the
// transaction an ethtx task sent, once known.
type TaskRunAttributes struct {
	ID                   string                  `json:"id"`
	Index                int                     `json:"index"`
	Type                 string                  `json:"type"`
	Status               models.RunStatus        `json:"status"`
	Result               models.JSON             `json:"result"`
	Error                *string                 `json:"error"`
	Attempts             int                     `json:"attempts"`
	Confirmations        uint32                  `json:"confirmations"`
	MinimumConfirmations uint32                  `json:"minimumConfirmations"`
	WakeAt               *time.Time              `json:"wakeAt,omitempty"`
	AttemptLog           []models.TaskRunAttempt `json:"attemptLog"`
	TxHash               *common.Hash            `json:"txHash,omitempty"`
	CreatedAt            time.Time               `json:"createdAt"`
	UpdatedAt            time.Time               `json:"updatedAt"`
}

// presentRun shows a run; txHashes maps task run IDs to the hash of
// their transaction.
func presentRun(r *models.JobRun, txHashes map[string]common.Hash) Resource {
	a := RunAttributes{
		ID: r.ID, JobID: r.JobSpecID, Status: r.Status, InitiatorType: r.InitiatorType,
		Payment: r.Payment, CreationHeight: r.CreationHeight, ObservedHeight: r.ObservedHeight,
		Request: r.RunRequest, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, FinishedAt: r.FinishedAt,
		TaskRuns: make([]TaskRunAttributes, 0, len(r.TaskRuns)),
	}
	if r.Result != nil {
		a.Result, a.Error = r.Result.Data, r.Result.ErrorMessage
	}
	for _, tr := range r.TaskRuns {
		ta := TaskRunAttributes{
			ID: tr.ID, Index: tr.Index, Type: tr.Type, Status: tr.Status, Attempts: tr.Attempts,
			Confirmations: tr.Confirmations, MinimumConfirmations: tr.MinRequiredIncomingConfirmations,
			WakeAt: tr.WakeAt, CreatedAt: tr.CreatedAt, UpdatedAt: tr.UpdatedAt,
			AttemptLog: tr.AttemptLog,
		}
		if ta.AttemptLog == nil {
			ta.AttemptLog = []models.TaskRunAttempt{}
		}
		if tr.Result != nil {
			ta.Result, ta.Error = tr.Result.Data, tr.Result.ErrorMessage
		}
		if h, ok := txHashes[tr.ID]; ok {
			ta.TxHash = &h
		}
		a.TaskRuns = append(a.TaskRuns, ta)
	}
	return Resource{Type: "runs", ID: r.ID, Attributes: a}
}

// BridgeAttributes is a bridge type as the API shows it. The tokens are
// shown once, in the answer to its creation.
type BridgeAttributes struct {
	Name                   string    `json:"name"`
	URL                    string    `json:"url"`
	Confirmations          uint32    `json:"confirmations"`
	MinimumContractPayment *string   `json:"minimumContractPayment"`
	IncomingToken          string    `json:"incomingToken,omitempty"`
	OutgoingToken          string    `json:"outgoingToken,omitempty"`
	CreatedAt              time.Time `json:"createdAt"`
	UpdatedAt              time.Time `json:"updatedAt"`
}

func presentBridge(bt *models.BridgeType, incomingToken string) Resource {
	a := BridgeAttributes{
		Name: bt.Name, URL: bt.URL, Confirmations: bt.Confirmations,
		MinimumContractPayment: bt.MinimumContractPayment, CreatedAt: bt.CreatedAt, UpdatedAt: bt.UpdatedAt,
	}
	if incomingToken != "" {
		a.IncomingToken, a.OutgoingToken = incomingToken, string(bt.OutgoingToken)
	}
	return Resource{Type: "bridges", ID: bt.Name, Attributes: a}
}

// ExternalInitiatorAttributes is an external initiator as the API shows
// it; the credentials only in the answer to its creation.
type ExternalInitiatorAttributes struct {
	Name           string    `json:"name"`
	URL            *string   `json:"url"`
	AccessKey      string    `json:"accessKey,omitempty"`
	Secret         string    `json:"secret,omitempty"`
	OutgoingToken  string    `json:"outgoingToken,omitempty"`
	OutgoingSecret string    `json:"outgoingSecret,omitempty"`
	CreatedAt      time.Time `json:"createdAt"`
}

func presentExternalInitiator(ei *models.ExternalInitiator, creds *models.ExternalInitiatorCredentials) Resource {
	a := ExternalInitiatorAttributes{Name: ei.Name, URL: ei.URL, CreatedAt: ei.CreatedAt}
	if creds != nil {
		a.AccessKey, a.Secret, a.OutgoingToken, a.OutgoingSecret = creds.AccessKey, creds.Secret, creds.OutgoingToken, creds.OutgoingSecret
	}
	return Resource{Type: "externalInitiators", ID: ei.Name, Attributes: a}
}

// KeyAttributes is one of the node's keys with its balances, in wei and
// juels as decimal strings; null when unknown.
type KeyAttributes struct {
	Address     common.Address `json:"address"`
	ETHBalance  *models.Big    `json:"ethBalance"`
	LINKBalance *models.Big    `json:"linkBalance"`
}

// TxAttributes is a transaction the node sent: its state, receipt,
// confirmations (blocks on top of its block, counting it; 0 until mined)
// and every attempt.
type TxAttributes struct {
	ID            int64              `json:"id"`
	Hash          *common.Hash       `json:"hash"`
	From          common.Address     `json:"from"`
	To            common.Address     `json:"to"`
	Data          string             `json:"data"`
	Value         *models.Big        `json:"value"`
	Nonce         uint64             `json:"nonce"`
	GasLimit      uint64             `json:"gasLimit"`
	GasUsed       *uint64            `json:"gasUsed"`
	State         models.TxState     `json:"state"`
	BlockNumber   *int64             `json:"blockNumber"`
	Confirmations int64              `json:"confirmations"`
	ReceiptStatus *uint64            `json:"receiptStatus"`
	RevertReason  *string            `json:"revertReason,omitempty"`
	LastError     *string            `json:"lastError,omitempty"`
	TaskRunID     *string            `json:"taskRunId"`
	Attempts      []TxAttemptSummary `json:"attempts"`
	CreatedAt     time.Time          `json:"createdAt"`
	UpdatedAt     time.Time          `json:"updatedAt"`
}

// TxAttemptSummary is one signed version of a transaction.
type TxAttemptSummary struct {
	Hash           common.Hash `json:"hash"`
	GasPrice       *models.Big `json:"gasPrice,omitempty"`
	GasFeeCap      *models.Big `json:"gasFeeCap,omitempty"`
	GasTipCap      *models.Big `json:"gasTipCap,omitempty"`
	BroadcastAt    *time.Time  `json:"broadcastAt"`
	BroadcastBlock *int64      `json:"broadcastBlock"`
	CreatedAt      time.Time   `json:"createdAt"`
}

func presentTx(tx *models.Tx, head *int64) Resource {
	a := TxAttributes{
		ID: tx.ID, Hash: tx.Hash, From: tx.From, To: tx.To, Data: "0x" + common.Bytes2Hex(tx.Data),
		Value: tx.Value, Nonce: tx.Nonce, GasLimit: tx.GasLimit, GasUsed: tx.GasUsed, State: tx.State,
		BlockNumber: tx.BlockNumber, ReceiptStatus: tx.ReceiptStatus, RevertReason: tx.RevertReason,
		LastError: tx.LastError, TaskRunID: tx.TaskRunID, CreatedAt: tx.CreatedAt, UpdatedAt: tx.UpdatedAt,
		Attempts: make([]TxAttemptSummary, 0, len(tx.Attempts)),
	}
	if tx.BlockNumber != nil && head != nil && *head >= *tx.BlockNumber {
		a.Confirmations = *head - *tx.BlockNumber + 1
	}
	for _, at := range tx.Attempts {
		a.Attempts = append(a.Attempts, TxAttemptSummary{
			Hash: at.Hash, GasPrice: at.GasPrice, GasFeeCap: at.GasFeeCap, GasTipCap: at.GasTipCap,
			BroadcastAt: at.BroadcastAt, BroadcastBlock: at.BroadcastBlock, CreatedAt: at.CreatedAt,
		})
	}
	id := tx.From.Hex() + "/" + strconv.FormatUint(tx.Nonce, 10)
	if tx.Hash != nil {
		id = tx.Hash.Hex()
	} else if latest := tx.LatestAttempt(); latest != nil {
		id = latest.Hash.Hex()
	}
	return Resource{Type: "transactions", ID: id, Attributes: a}
}

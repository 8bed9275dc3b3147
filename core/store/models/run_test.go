package models_test

import (
	"errors"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestRunStatusHelpers(t *testing.T) {
	tests := []struct {
		status                               models.RunStatus
		finished, pending, runnable, errored bool
	}{
		{models.RunStatusUnstarted, false, false, true, false},
		{models.RunStatusInProgress, false, false, true, false},
		{models.RunStatusPendingIncomingConfirmations, false, true, false, false},
		{models.RunStatusPendingBridge, false, true, false, false},
		{models.RunStatusPendingSleep, false, true, false, false},
		{models.RunStatusPendingOutgoingConfirmations, false, true, false, false},
		{models.RunStatusPendingConnection, false, true, false, false},
		{models.RunStatusCompleted, true, false, false, false},
		{models.RunStatusErrored, true, false, false, true},
		{models.RunStatusCancelled, true, false, false, false},
	}
	require.Len(t, tests, len(models.RunStatuses))
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			assert.True(t, tt.status.Valid())
			assert.Equal(t, tt.finished, tt.status.Finished(), "Finished")
			assert.Equal(t, tt.pending, tt.status.Pending(), "Pending")
			assert.Equal(t, tt.runnable, tt.status.Runnable(), "Runnable")
			assert.Equal(t, tt.errored, tt.status.Errored(), "Errored")
		})
	}
	assert.False(t, models.RunStatus("done").Valid())
}

func TestRunOutputHelpers(t *testing.T) {
	out := models.NewRunOutputCompleteWithResult(models.JSON(`{"result":"old","other":1}`), "1234")
	assert.Equal(t, models.RunStatusCompleted, out.Status)
	assert.JSONEq(t, `{"result":"1234","other":1}`, string(out.Data))
	assert.Equal(t, `"1234"`, string(out.Result()))
	assert.NoError(t, out.Err())

	fromNull := models.NewRunOutputCompleteWithResult(nil, 7)
	assert.JSONEq(t, `{"result":7}`, string(fromNull.Data))

	bad := models.NewRunOutputCompleteWithResult(models.JSON(`[1]`), 7)
	assert.Equal(t, models.RunStatusErrored, bad.Status, "data that is not an object errors")

	errOut := models.NewRunOutputRetryableError(errors.New("boom"))
	assert.Equal(t, models.RunStatusErrored, errOut.Status)
	assert.True(t, errOut.Retryable)
	assert.EqualError(t, errOut.Err(), "boom")

	res := models.RunResultFrom(errOut)
	require.NotNil(t, res.ErrorMessage)
	assert.Equal(t, "boom", *res.ErrorMessage)
	assert.Nil(t, models.RunResultFrom(out).ErrorMessage)
}

func TestRunInputResult(t *testing.T) {
	tests := []struct {
		data models.JSON
		want string
	}{
		{models.JSON(`{"result":"abc"}`), "abc"},
		{models.JSON(`{"result":123.450}`), "123.450"},
		{models.JSON(`{"result":true}`), "true"},
		{models.JSON(`{"result":null}`), ""},
		{models.JSON(`{"Result":{"a": 1}}`), `{"a":1}`},
		{models.JSON(`{}`), ""},
		{nil, ""},
		{models.JSON(`"str"`), ""},
	}
	for _, tt := range tests {
		in := models.RunInput{Data: tt.data}
		assert.Equal(t, tt.want, in.ResultText(), "ResultText(%s)", tt.data)
	}
}

func TestMergeJSON(t *testing.T) {
	got, err := models.MergeJSON(models.JSON(`{"get":"a","times":10,"keep":1}`), models.JSON(`{"times":100,"path":["x"]}`))
	require.NoError(t, err)
	assert.JSONEq(t, `{"get":"a","times":100,"keep":1,"path":["x"]}`, string(got))
	_, err = models.MergeJSON(models.JSON(`[1]`), nil)
	assert.Error(t, err)
}

func TestJobRunNextTaskRun(t *testing.T) {
	run := models.JobRun{TaskRuns: []models.TaskRun{
		{ID: "a", Status: models.RunStatusCompleted},
		{ID: "b", Status: models.RunStatusPendingBridge},
		{ID: "c", Status: models.RunStatusUnstarted},
	}}
	require.NotNil(t, run.NextTaskRun())
	assert.Equal(t, "b", run.NextTaskRun().ID)
	run.TaskRuns[1].Status = models.RunStatusCompleted
	run.TaskRuns[2].Status = models.RunStatusCompleted
	assert.Nil(t, run.NextTaskRun())
}

func TestBig(t *testing.T) {
	x, _ := new(big.Int).SetString("115792089237316195423570985008687907853269984665640564039457584007913129639935", 10)
	b := models.NewBig(x)
	v, err := b.Value()
	require.NoError(t, err)
	var back models.Big
	require.NoError(t, back.Scan(v))
	assert.Equal(t, 0, back.ToInt().Cmp(x))
	j, err := b.MarshalJSON()
	require.NoError(t, err)
	assert.Equal(t, `"`+x.String()+`"`, string(j))
	var fromNumber models.Big
	require.NoError(t, fromNumber.UnmarshalJSON([]byte(`42`)))
	assert.Equal(t, "42", fromNumber.String())
	assert.Error(t, fromNumber.Scan(3.5))
	assert.Nil(t, models.NewBig(nil))
}

func TestParseFunctionSelector(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"0x4ab0d190", "0x4ab0d190", false},
		{"fulfillOracleRequest(bytes32,uint256,address,bytes4,uint256,bytes32)", "0x4ab0d190", false},
		{"transfer(address,uint256)", "0xa9059cbb", false},
		{"0x4ab0d1", "", true},
		{"0xzzzzzzzz", "", true},
		{"transfer", "", true},
		{"transfer(address, uint256)", "", true},
		{"", "", true},
	}
	for _, tt := range tests {
		got, err := models.ParseFunctionSelector(tt.in)
		if tt.wantErr {
			assert.Error(t, err, "ParseFunctionSelector(%q) = %s", tt.in, got)
			continue
		}
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got.String(), "ParseFunctionSelector(%q)", tt.in)
	}
}

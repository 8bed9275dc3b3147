package models_test

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/store/models"
)

func TestBridgeIncomingToken(t *testing.T) {
	bt := models.BridgeType{Name: "coinprice"}
	assert.False(t, bt.IncomingTokenMatches(""), "no token set yet")
	token := models.NewBridgeToken()
	bt.SetIncomingToken(token)
	assert.True(t, bt.IncomingTokenMatches(token))
	assert.False(t, bt.IncomingTokenMatches(token+"x"))
	assert.NotContains(t, bt.IncomingTokenHash, token)

	other := models.BridgeType{}
	other.SetIncomingToken(token)
	assert.NotEqual(t, bt.IncomingTokenHash, other.IncomingTokenHash, "a fresh salt per bridge")
}

func TestBridgeSecretRedacted(t *testing.T) {
	bt := models.BridgeType{Name: "x", URL: "http://x", OutgoingToken: "s3cret-token"}
	var logs strings.Builder
	slog.New(slog.NewTextHandler(&logs, nil)).Info("bridge", "token", bt.OutgoingToken, "bridge", bt)
	for _, s := range []string{fmt.Sprint(bt), fmt.Sprintf("%+v", bt), fmt.Sprintf("%#v", bt), logs.String(), fmt.Sprint(bt.OutgoingToken)} {
		assert.NotContains(t, s, "s3cret-token")
	}
	assert.Equal(t, "s3cret-token", string(bt.OutgoingToken))
}

func TestParseBridgeType(t *testing.T) {
	bt, err := models.ParseBridgeType([]byte(`{"Name":"CoinPrice","URL":" http://adapter:8080/ ","confirmations":2,"minimumContractPayment":100}`))
	require.NoError(t, err)
	assert.Equal(t, "coinprice", bt.Name)
	assert.Equal(t, "http://adapter:8080/", bt.URL)
	assert.Equal(t, uint32(2), bt.Confirmations)
	assert.Equal(t, "100", *bt.MinimumContractPayment)

	_, err = models.ParseBridgeType([]byte(`{"name":1,"url":2,"confirmations":-1}`))
	var ve *models.ValidationError
	require.True(t, errors.As(err, &ve))
	assert.Len(t, ve.Errors, 3, "%v", ve)
}

func TestValidationError(t *testing.T) {
	ve := &models.ValidationError{}
	assert.NoError(t, ve.Err())
	inner := &models.ValidationError{}
	inner.Add("times", "must be a number")
	inner.Add("", "whole params wrong")
	inner.Add("[0]", "indexed")
	ve.Merge("tasks[2].params", inner)
	ve.Merge("initiators[0]", errors.New("plain"))
	ve.Merge("ignored", nil)
	require.Error(t, ve.Err())
	assert.Equal(t, "tasks[2].params.times: must be a number; tasks[2].params: whole params wrong; "+
		"tasks[2].params[0]: indexed; initiators[0]: plain", ve.Error())
}

package keystore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	gethkeystore "github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/params"
	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/simchain"
	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/keystore"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

var _ keystore.KeyDB = (*store.Store)(nil)

const password = "correct horse battery staple"

func setup(t *testing.T) (*keystore.KeyStore, *store.Store, *bytes.Buffer) {
	t.Helper()
	db := testdb.Open(t)
	var logs bytes.Buffer
	lggr := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return keystore.New(db, keystore.LightConfig(), lggr), db, &logs
}

func TestUnlockCreatesFirstKey(t *testing.T) {
	ctx := context.Background()
	ks, db, logs := setup(t)
	require.False(t, ks.Unlocked())
	require.Empty(t, ks.Addresses())

	require.NoError(t, ks.Unlock(ctx, password))
	require.True(t, ks.Unlocked())
	addrs := ks.Addresses()
	require.Len(t, addrs, 1)
	require.True(t, ks.HasAddress(addrs[0]))

	rows, err := db.EncryptedKeys(ctx)
	require.NoError(t, err)
	require.Len(t, rows, 1)
	require.Equal(t, addrs[0], rows[0].Address)
	// go-ethereum's own format: geth can decrypt it, and no plaintext key.
	var doc struct {
		Address string          `json:"address"`
		Crypto  json.RawMessage `json:"crypto"`
		Version int             `json:"version"`
	}
	require.NoError(t, json.Unmarshal(rows[0].JSON, &doc))
	require.Equal(t, 3, doc.Version)
	require.Equal(t, strings.ToLower(addrs[0].Hex()[2:]), doc.Address)
	k, err := gethkeystore.DecryptKey(rows[0].JSON, password)
	require.NoError(t, err)
	require.Equal(t, addrs[0], k.Address)

	// A second node process with the same database unlocks the same key.
	again := keystore.New(db, keystore.LightConfig(), nil)
	require.NoError(t, again.Unlock(ctx, password))
	require.Equal(t, addrs, again.Addresses())
	require.NotContains(t, logs.String(), password)
}

func TestUnlockWrongPassword(t *testing.T) {
	ctx := context.Background()
	ks, db, logs := setup(t)
	require.NoError(t, ks.Unlock(ctx, password))

	tests := []struct {
		name, pw string
		want     error
	}{
		{"wrong", "Tr0ub4dor&3-wrong", keystore.ErrWrongPassword},
		{"prefix", password[:10], keystore.ErrWrongPassword},
		{"empty", "", keystore.ErrEmptyPassword},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fresh := keystore.New(db, keystore.LightConfig(), slog.New(slog.NewTextHandler(logs, nil)))
			err := fresh.Unlock(ctx, tt.pw)
			require.ErrorIs(t, err, tt.want)
			if tt.pw != "" {
				require.NotContains(t, err.Error(), tt.pw)
			}
			require.False(t, fresh.Unlocked())
			require.Empty(t, fresh.Addresses())
			_, err = fresh.CreateKey(ctx)
			require.ErrorIs(t, err, keystore.ErrLocked)
		})
	}
	// A failed unlock leaves an unlocked key store as it was.
	require.ErrorIs(t, ks.Unlock(ctx, "nope"), keystore.ErrWrongPassword)
	require.True(t, ks.Unlocked())
	require.Len(t, ks.Addresses(), 1)

	rows, err := db.EncryptedKeys(ctx)
	require.NoError(t, err)
	require.Len(t, rows, 1, "a wrong password must not create a key")
	require.NotContains(t, logs.String(), "Tr0ub4dor")
}

func TestUnlockMalformedKey(t *testing.T) {
	ctx := context.Background()
	ks, db, _ := setup(t)
	require.NoError(t, db.InsertEncryptedKey(ctx, &models.EncryptedKey{Address: common.Address{1}, JSON: []byte(`{"version":3}`)}))
	err := ks.Unlock(ctx, password)
	require.Error(t, err)
	require.False(t, errors.Is(err, keystore.ErrWrongPassword))
	require.NotContains(t, err.Error(), password)
}

func TestCreateKey(t *testing.T) {
	ctx := context.Background()
	ks, db, _ := setup(t)
	_, err := ks.CreateKey(ctx)
	require.ErrorIs(t, err, keystore.ErrLocked)

	require.NoError(t, ks.Unlock(ctx, password))
	first := ks.Addresses()[0]
	second, err := ks.CreateKey(ctx)
	require.NoError(t, err)
	require.NotEqual(t, first, second)
	require.Equal(t, []common.Address{first, second}, ks.Addresses())

	reopened := keystore.New(db, keystore.LightConfig(), nil)
	require.NoError(t, reopened.Unlock(ctx, password))
	require.Equal(t, []common.Address{first, second}, reopened.Addresses())

	ks.Lock()
	require.False(t, ks.Unlocked())
	_, err = ks.SignTx(first, types.NewTx(&types.LegacyTx{}), big.NewInt(1))
	require.ErrorIs(t, err, keystore.ErrUnknownAddress)
}

func TestSignTx(t *testing.T) {
	ctx := context.Background()
	ks, _, _ := setup(t)
	require.NoError(t, ks.Unlock(ctx, password))
	addr := ks.Addresses()[0]
	to := common.HexToAddress("0x1234")
	chainID := big.NewInt(1337)

	tests := []struct {
		name string
		tx   *types.Transaction
	}{
		{"legacy", types.NewTx(&types.LegacyTx{Nonce: 1, GasPrice: big.NewInt(1e9), Gas: 21000, To: &to, Value: big.NewInt(5)})},
		{"dynamic fee", types.NewTx(&types.DynamicFeeTx{ChainID: chainID, Nonce: 2, GasTipCap: big.NewInt(1), GasFeeCap: big.NewInt(2e9), Gas: 21000, To: &to})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			signed, err := ks.SignTx(addr, tt.tx, chainID)
			require.NoError(t, err)
			from, err := types.Sender(types.LatestSignerForChainID(chainID), signed)
			require.NoError(t, err)
			require.Equal(t, addr, from)
			require.Equal(t, chainID, signed.ChainId())
		})
	}

	tx := tests[0].tx
	_, err := ks.SignTx(common.Address{7}, tx, chainID)
	require.ErrorIs(t, err, keystore.ErrUnknownAddress)
	_, err = ks.SignTx(addr, tx, nil)
	require.ErrorContains(t, err, "chain ID")
	_, err = ks.SignTx(addr, nil, chainID)
	require.Error(t, err)
}

// TestTransactOptsDeploys deploys a contract on the simulated chain with
// the key store's options.
func TestTransactOptsDeploys(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ks, _, _ := setup(t)
	require.NoError(t, ks.Unlock(ctx, password))
	addr := ks.Addresses()[0]

	_, err := ks.TransactOpts(common.Address{7}, simchain.ChainID)
	require.ErrorIs(t, err, keystore.ErrUnknownAddress)
	_, err = ks.TransactOpts(addr, nil)
	require.Error(t, err)

	chain := simchain.New(types.GenesisAlloc{addr: {Balance: new(big.Int).Mul(big.NewInt(10), big.NewInt(params.Ether))}})
	defer chain.Close()
	opts, err := ks.TransactOpts(addr, simchain.ChainID)
	require.NoError(t, err)
	require.Equal(t, addr, opts.From)
	opts.Context = ctx

	// Init code that deploys the one-byte runtime 0x00.
	initCode := common.FromHex("0x600060005360016000f3")
	contract, tx, err := bind.DeployContract(opts, initCode, chain.Client(), nil)
	require.NoError(t, err)
	// Committed until mined: the simulated chain may leave a tx just sent
	// for the next block.
	require.Eventually(t, func() bool {
		chain.Commit()
		_, err := chain.Client().TransactionReceipt(ctx, tx.Hash())
		return err == nil
	}, 10*time.Second, 10*time.Millisecond, "deployment never mined")
	deployed, err := bind.WaitDeployed(ctx, chain.Client(), tx.Hash())
	require.NoError(t, err)
	require.Equal(t, contract, deployed)
	from, err := types.Sender(types.LatestSignerForChainID(simchain.ChainID), tx)
	require.NoError(t, err)
	require.Equal(t, addr, from)

	_, err = opts.Signer(common.Address{7}, tx)
	require.ErrorIs(t, err, bind.ErrNotAuthorized)
}

func TestStandardScryptByDefault(t *testing.T) {
	// New with a zero Config uses the standard (slow) cost; check it through
	// the JSON of a key, without paying for a standard decrypt twice.
	ctx := context.Background()
	db := testdb.Open(t)
	ks := keystore.New(db, keystore.Config{}, nil)
	require.NoError(t, ks.Unlock(ctx, password))
	rows, err := db.EncryptedKeys(ctx)
	require.NoError(t, err)
	require.Len(t, rows, 1)
	var doc struct {
		Crypto struct {
			KDFParams struct {
				N int `json:"n"`
				P int `json:"p"`
			} `json:"kdfparams"`
		} `json:"crypto"`
	}
	require.NoError(t, json.Unmarshal(rows[0].JSON, &doc))
	require.Equal(t, gethkeystore.StandardScryptN, doc.Crypto.KDFParams.N)
	require.Equal(t, gethkeystore.StandardScryptP, doc.Crypto.KDFParams.P)
}

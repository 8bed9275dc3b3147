package main

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"sync"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
)

func ethereumCall(to common.Address, data []byte) ethereum.CallMsg {
	return ethereum.CallMsg{To: &to, Data: data}
}

// requester signs ExampleConsumer.requestPrice calls from several funded
// keys with nonces it counts itself, so a burst is signed before it is sent
// and the load generator is not the bottleneck.
type requester struct {
	keys     []*ecdsa.PrivateKey
	nonces   []uint64
	next     int
	signer   types.Signer
	consumer common.Address
	calldata []byte
	gas      uint64
	price    *big.Int
}

func newRequester(ctx context.Context, a *anvil, c *contracts, keys []*ecdsa.PrivateKey, consumer common.Address, jobID, url string, payment *big.Int) (*requester, error) {
	var spec [32]byte
	copy(spec[:], jobID)
	data, err := c.consumer.Pack("requestPrice", spec, url, "USD", big.NewInt(100), payment)
	if err != nil {
		return nil, fmt.Errorf("packing requestPrice: %w", err)
	}
	from := crypto.PubkeyToAddress(keys[0].PublicKey)
	gas, err := a.eth.EstimateGas(ctx, ethereum.CallMsg{From: from, To: &consumer, Data: data})
	if err != nil {
		return nil, fmt.Errorf("estimating requestPrice: %w", err)
	}
	r := &requester{keys: keys, signer: types.LatestSignerForChainID(a.chain), consumer: consumer,
		calldata: data, gas: gas * 3 / 2, price: big.NewInt(10e9)}
	for _, k := range keys {
		n, err := a.eth.PendingNonceAt(ctx, crypto.PubkeyToAddress(k.PublicKey))
		if err != nil {
			return nil, fmt.Errorf("requester nonce: %w", err)
		}
		r.nonces = append(r.nonces, n)
	}
	return r, nil
}

// sign returns n signed requests, spread round-robin over the keys.
func (r *requester) sign(n int) ([]*types.Transaction, error) {
	txs := make([]*types.Transaction, n)
	type job struct {
		i, k  int
		nonce uint64
	}
	jobs := make([]job, n)
	for i := range jobs {
		k := r.next % len(r.keys)
		r.next++
		jobs[i] = job{i, k, r.nonces[k]}
		r.nonces[k]++
	}
	var wg sync.WaitGroup
	var firstErr error
	var mu sync.Mutex
	workers := 4
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for j := w; j < n; j += workers {
				jb := jobs[j]
				to := r.consumer
				tx, err := types.SignNewTx(r.keys[jb.k], r.signer, &types.LegacyTx{Nonce: jb.nonce, To: &to, Gas: r.gas, GasPrice: r.price, Data: r.calldata})
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
				txs[jb.i] = tx
			}
		}(w)
	}
	wg.Wait()
	if firstErr != nil {
		return nil, fmt.Errorf("signing requests: %w", firstErr)
	}
	return txs, nil
}

package web

import (
	"net/http"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/gin-gonic/gin"

	"github.com/pythia-oracle/pythia/core/store/models"
)

type keysController struct {
	d *Deps
}

// index lists the node's keys with their ETH and LINK balances. A
// balance is null when the chain could not be asked.
func (kc *keysController) index(c *gin.Context) {
	if kc.d.Keys == nil {
		abortError(c, http.StatusServiceUnavailable, "keys are not available on this node")
		return
	}
	balances := map[common.Address]KeyBalance{}
	if kc.d.Balances != nil {
		bs, err := kc.d.Balances.KeyBalances(c.Request.Context())
		if err != nil {
			kc.d.Logger.Warn("reading key balances", "err", err)
		}
		for _, b := range bs {
			balances[b.Address] = b
		}
	}
	addrs := kc.d.Keys.Addresses()
	data := make([]Resource, 0, len(addrs))
	for _, a := range addrs {
		b := balances[a]
		data = append(data, Resource{Type: "keys", ID: a.Hex(), Attributes: KeyAttributes{
			Address: a, ETHBalance: models.NewBig(b.ETH), LINKBalance: models.NewBig(b.LINK),
		}})
	}
	render(c, http.StatusOK, Document{Data: data, Meta: &Meta{Count: int64(len(data))}})
}

// create makes a new key, encrypted with the keystore's password.
func (kc *keysController) create(c *gin.Context) {
	if kc.d.Keys == nil {
		abortError(c, http.StatusServiceUnavailable, "keys are not available on this node")
		return
	}
	addr, err := kc.d.Keys.CreateKey(c.Request.Context())
	if err != nil {
		kc.d.Logger.Error("creating key", "err", err)
		abortError(c, http.StatusInternalServerError, "creating a key failed: %s", err)
		return
	}
	kc.d.Logger.Info("key created", "address", addr.Hex(), "user", userEmail(c))
	render(c, http.StatusCreated, Document{Data: Resource{Type: "keys", ID: addr.Hex(), Attributes: KeyAttributes{Address: addr}}})
}

type transactionsController struct {
	d *Deps
}

func (tc *transactionsController) head(c *gin.Context) *int64 {
	h, err := tc.d.Store.LatestHead(c.Request.Context())
	if err != nil || h == nil {
		return nil
	}
	n := h.Number
	return &n
}

// index lists the transactions the node sent, newest first.
func (tc *transactionsController) index(c *gin.Context) {
	p, ok := parsePage(c)
	if !ok {
		return
	}
	txs, count, err := tc.d.Store.Txs(c.Request.Context(), p.offset(), p.size)
	if err != nil {
		abortStoreError(c, tc.d, "transactions", err)
		return
	}
	head := tc.head(c)
	data := make([]Resource, 0, len(txs))
	for i := range txs {
		data = append(data, presentTx(&txs[i], head))
	}
	render(c, http.StatusOK, listDocument(c.Request.URL, p, data, count))
}

// show returns the transaction one of whose attempts has the hash.
func (tc *transactionsController) show(c *gin.Context) {
	s := c.Param("hash")
	if len(s) != 66 || !strings.HasPrefix(s, "0x") {
		abortError(c, http.StatusNotFound, "transaction %q not found: give a 0x-prefixed 32-byte hash", s)
		return
	}
	tx, err := tc.d.Store.TxByAttemptHash(c.Request.Context(), common.HexToHash(s))
	if err != nil {
		abortStoreError(c, tc.d, "transaction "+s, err)
		return
	}
	render(c, http.StatusOK, Document{Data: presentTx(tx, tc.head(c))})
}

// config shows the effective configuration, secrets redacted.
func config(d *Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		if d.Settings == nil {
			abortError(c, http.StatusServiceUnavailable, "configuration is not available on this node")
			return
		}
		render(c, http.StatusOK, Document{Data: Resource{Type: "config", ID: "config", Attributes: gin.H{"settings": d.Settings()}}})
	}
}

func ping(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"message": "pong"})
}

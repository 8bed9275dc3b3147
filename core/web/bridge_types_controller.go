package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/pythia-oracle/pythia/core/services"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

type bridgeTypesController struct {
	d *Deps
}

func (bc *bridgeTypesController) validator() services.Validator {
	return services.Validator{Adapters: bc.d.Adapters}
}

// parse reads and validates a bridge definition, answering 400 or 422.
func (bc *bridgeTypesController) parse(c *gin.Context) (*models.BridgeType, bool) {
	body, ok := readJSONDocument(c, false)
	if !ok {
		return nil, false
	}
	bt, err := models.ParseBridgeType(body)
	if err == nil {
		err = services.ValidateBridgeType(bt, bc.validator())
	}
	if err != nil {
		abortValidation(c, err)
		return nil, false
	}
	return bt, true
}

// index lists the bridges by name.
func (bc *bridgeTypesController) index(c *gin.Context) {
	p, ok := parsePage(c)
	if !ok {
		return
	}
	bts, count, err := bc.d.Store.BridgeTypes(c.Request.Context(), p.offset(), p.size)
	if err != nil {
		abortStoreError(c, bc.d, "bridges", err)
		return
	}
	data := make([]Resource, 0, len(bts))
	for i := range bts {
		data = append(data, presentBridge(&bts[i], ""))
	}
	render(c, http.StatusOK, listDocument(c.Request.URL, p, data, count))
}

// create saves a bridge with fresh tokens and shows them, this once.
func (bc *bridgeTypesController) create(c *gin.Context) {
	bt, ok := bc.parse(c)
	if !ok {
		return
	}
	incoming := models.NewBridgeToken()
	bt.SetIncomingToken(incoming)
	bt.OutgoingToken = models.Secret(models.NewBridgeToken())
	if err := bc.d.Store.CreateBridgeType(c.Request.Context(), bt); err != nil {
		if errors.Is(err, store.ErrDuplicate) {
			ve := &models.ValidationError{}
			ve.Add("name", "a bridge named %q exists", bt.Name)
			abortValidation(c, ve)
			return
		}
		abortStoreError(c, bc.d, "bridge", err)
		return
	}
	bc.d.Logger.Info("bridge created", "bridge", bt.Name, "user", userEmail(c))
	render(c, http.StatusOK, Document{Data: presentBridge(bt, incoming)})
}

// show returns one bridge, without its tokens.
func (bc *bridgeTypesController) show(c *gin.Context) {
	bt, err := bc.d.Store.FindBridgeType(c.Request.Context(), strings.ToLower(c.Param("name")))
	if err != nil {
		abortStoreError(c, bc.d, "bridge "+c.Param("name"), err)
		return
	}
	render(c, http.StatusOK, Document{Data: presentBridge(bt, "")})
}

// update changes a bridge's URL, confirmations and minimum payment; its
// name and tokens stay.
func (bc *bridgeTypesController) update(c *gin.Context) {
	ctx := c.Request.Context()
	name := strings.ToLower(c.Param("name"))
	bt, err := bc.d.Store.FindBridgeType(ctx, name)
	if err != nil {
		abortStoreError(c, bc.d, "bridge "+name, err)
		return
	}
	body, ok := readJSONDocument(c, false)
	if !ok {
		return
	}
	// The name in the path wins; a body may leave it out.
	var named map[string]json.RawMessage
	if err := json.Unmarshal(body, &named); err == nil && named != nil {
		for k := range named {
			if strings.EqualFold(k, "name") {
				delete(named, k)
			}
		}
		named["name"], _ = json.Marshal(name)
		body, _ = json.Marshal(named)
	}
	upd, err := models.ParseBridgeType(body)
	if err == nil {
		err = services.ValidateBridgeType(upd, bc.validator())
	}
	if err != nil {
		abortValidation(c, err)
		return
	}
	bt.URL, bt.Confirmations, bt.MinimumContractPayment = upd.URL, upd.Confirmations, upd.MinimumContractPayment
	if err := bc.d.Store.UpdateBridgeType(ctx, bt); err != nil {
		abortStoreError(c, bc.d, "bridge "+name, err)
		return
	}
	render(c, http.StatusOK, Document{Data: presentBridge(bt, "")})
}

// destroy deletes a bridge.
func (bc *bridgeTypesController) destroy(c *gin.Context) {
	ctx := c.Request.Context()
	name := strings.ToLower(c.Param("name"))
	bt, err := bc.d.Store.FindBridgeType(ctx, name)
	if err != nil {
		abortStoreError(c, bc.d, "bridge "+name, err)
		return
	}
	if err := bc.d.Store.DeleteBridgeType(ctx, name); err != nil {
		if errors.Is(err, store.ErrInUse) {
			abortError(c, http.StatusConflict, "bridge %s is in use: %s; archive those jobs first", name, err)
			return
		}
		abortStoreError(c, bc.d, "bridge "+name, err)
		return
	}
	bc.d.Logger.Info("bridge deleted", "bridge", name, "user", userEmail(c))
	render(c, http.StatusOK, Document{Data: presentBridge(bt, "")})
}

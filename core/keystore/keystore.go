package keystore

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"sync"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	gethkeystore "github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/uuid"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// ErrWrongPassword is returned (wrapped) by Unlock when the password does
// not decrypt a stored key.
var ErrWrongPassword = errors.New("wrong password: it does not decrypt the node's keys")

// ErrEmptyPassword is returned by Unlock for an empty password.
var ErrEmptyPassword = errors.New("password is empty")

// ErrLocked is returned by CreateKey before a successful Unlock.
var ErrLocked = errors.New("key store is locked: unlock it first")

// ErrUnknownAddress is returned (wrapped) when signing with an address the
// key store holds no unlocked key for.
var ErrUnknownAddress = errors.New("no unlocked key for address")

// KeyDB is where encrypted keys are kept; *store.Store satisfies it.
type KeyDB interface {
	InsertEncryptedKey(ctx context.Context, k *models.EncryptedKey) error
	EncryptedKeys(ctx context.Context) ([]models.EncryptedKey, error)
}

// Config sets the scrypt cost of encrypting new keys. Zero values mean
// go-ethereum's standard cost (N=2^18, P=1, about a second and 256 MB per
// key); LightConfig is for tests and dev chains.
type Config struct {
	ScryptN int
	ScryptP int
}

// LightConfig is go-ethereum's light scrypt cost (N=2^12, P=6): fast, for
// tests and dev mode only.
func LightConfig() Config {
	return Config{ScryptN: gethkeystore.LightScryptN, ScryptP: gethkeystore.LightScryptP}
}

// KeyStore holds the node's Ethereum keys: encrypted in the database,
// decrypted only in memory after Unlock. It is safe for concurrent use.
type KeyStore struct {
	db   KeyDB
	cfg  Config
	lggr *slog.Logger

	mu       sync.RWMutex
	password string // kept to encrypt keys made by CreateKey; never logged
	keys     map[common.Address]*ecdsa.PrivateKey
	order    []common.Address // oldest first
}

// New returns a locked key store over db.
func New(db KeyDB, cfg Config, lggr *slog.Logger) *KeyStore {
	if cfg.ScryptN <= 0 {
		cfg.ScryptN = gethkeystore.StandardScryptN
	}
	if cfg.ScryptP <= 0 {
		cfg.ScryptP = gethkeystore.StandardScryptP
	}
	if lggr == nil {
		lggr = slog.New(slog.DiscardHandler)
	}
	return &KeyStore{db: db, cfg: cfg, lggr: lggr.With("service", "keystore")}
}

// Unlock decrypts every stored key with password, creating and saving a
// first key when there is none. A password that fails to decrypt any key
// returns an error wrapping ErrWrongPassword and leaves the key store as it
// was. The password never appears in an error or a log.
func (ks *KeyStore) Unlock(ctx context.Context, password string) error {
	if password == "" {
		return ErrEmptyPassword
	}
	rows, err := ks.db.EncryptedKeys(ctx)
	if err != nil {
		return fmt.Errorf("unlocking keys: %w", err)
	}
	keys := make(map[common.Address]*ecdsa.PrivateKey, len(rows))
	order := make([]common.Address, 0, len(rows))
	for _, row := range rows {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("unlocking keys: %w", err)
		}
		k, err := gethkeystore.DecryptKey(row.JSON, password)
		if errors.Is(err, gethkeystore.ErrDecrypt) {
			return fmt.Errorf("unlocking key %s: %w", row.Address.Hex(), ErrWrongPassword)
		}
		if err != nil {
			return fmt.Errorf("unlocking key %s: malformed key JSON: %w", row.Address.Hex(), err)
		}
		if k.Address != row.Address {
			return fmt.Errorf("unlocking key %s: its JSON holds the key of %s", row.Address.Hex(), k.Address.Hex())
		}
		keys[k.Address] = k.PrivateKey
		order = append(order, k.Address)
	}
	if len(rows) == 0 {
		addr, key, err := ks.newKey(ctx, password)
		if err != nil {
			return fmt.Errorf("unlocking keys: %w", err)
		}
		keys[addr] = key
		order = append(order, addr)
	}
	ks.mu.Lock()
	ks.password, ks.keys, ks.order = password, keys, order
	ks.mu.Unlock()
	ks.lggr.InfoContext(ctx, "unlocked keys", "count", len(order))
	return nil
}

// Lock forgets the decrypted keys and the password.
func (ks *KeyStore) Lock() {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	ks.password, ks.keys, ks.order = "", nil, nil
}

// Unlocked reports whether Unlock has succeeded (and Lock was not called
// since).
func (ks *KeyStore) Unlocked() bool {
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	return ks.keys != nil
}

// CreateKey makes a new key, saves it encrypted with the unlock password
// and keeps it unlocked. It returns ErrLocked before Unlock.
func (ks *KeyStore) CreateKey(ctx context.Context) (common.Address, error) {
	ks.mu.RLock()
	password := ks.password
	ks.mu.RUnlock()
	if password == "" {
		return common.Address{}, ErrLocked
	}
	addr, key, err := ks.newKey(ctx, password)
	if err != nil {
		return common.Address{}, err
	}
	ks.mu.Lock()
	defer ks.mu.Unlock()
	if ks.keys == nil { // locked meanwhile; the key is saved and unlocks next time
		return addr, nil
	}
	ks.keys[addr] = key
	ks.order = append(ks.order, addr)
	return addr, nil
}

// newKey generates a key, encrypts it with password and saves it.
func (ks *KeyStore) newKey(ctx context.Context, password string) (common.Address, *ecdsa.PrivateKey, error) {
	priv, err := crypto.GenerateKey()
	if err != nil {
		return common.Address{}, nil, fmt.Errorf("generating key: %w", err)
	}
	id, err := uuid.NewRandom()
	if err != nil {
		return common.Address{}, nil, fmt.Errorf("generating key id: %w", err)
	}
	k := &gethkeystore.Key{Id: id, Address: crypto.PubkeyToAddress(priv.PublicKey), PrivateKey: priv}
	blob, err := gethkeystore.EncryptKey(k, password, ks.cfg.ScryptN, ks.cfg.ScryptP)
	if err != nil {
		return common.Address{}, nil, fmt.Errorf("encrypting key %s: %w", k.Address.Hex(), err)
	}
	if err := ks.db.InsertEncryptedKey(ctx, &models.EncryptedKey{Address: k.Address, JSON: blob}); err != nil {
		return common.Address{}, nil, fmt.Errorf("saving key %s: %w", k.Address.Hex(), err)
	}
	ks.lggr.InfoContext(ctx, "created key", "address", k.Address.Hex())
	return k.Address, priv, nil
}

// Addresses returns the unlocked keys' addresses, oldest first; empty when
// locked.
func (ks *KeyStore) Addresses() []common.Address {
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	return append([]common.Address(nil), ks.order...)
}

// HasAddress reports whether addr is one of the unlocked keys.
func (ks *KeyStore) HasAddress(addr common.Address) bool {
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	_, ok := ks.keys[addr]
	return ok
}

func (ks *KeyStore) key(addr common.Address) (*ecdsa.PrivateKey, error) {
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	k, ok := ks.keys[addr]
	if !ok {
		return nil, fmt.Errorf("%w %s", ErrUnknownAddress, addr.Hex())
	}
	return k, nil
}

// SignTx signs tx with addr's key for chainID using the latest signer
// (EIP-155 and typed transactions).
func (ks *KeyStore) SignTx(addr common.Address, tx *types.Transaction, chainID *big.Int) (*types.Transaction, error) {
	if tx == nil {
		return nil, errors.New("signing transaction: transaction is nil")
	}
	if chainID == nil || chainID.Sign() <= 0 {
		return nil, fmt.Errorf("signing transaction with %s: chain ID is required", addr.Hex())
	}
	key, err := ks.key(addr)
	if err != nil {
		return nil, fmt.Errorf("signing transaction: %w", err)
	}
	signed, err := types.SignTx(tx, types.LatestSignerForChainID(chainID), key)
	if err != nil {
		return nil, fmt.Errorf("signing transaction with %s: %w", addr.Hex(), err)
	}
	return signed, nil
}

// TransactOpts returns bind v2 options that send from addr and sign with
// this key store (the key itself never leaves it), for deploying and
// calling contracts, e.g. in dev mode.
func (ks *KeyStore) TransactOpts(addr common.Address, chainID *big.Int) (*bind.TransactOpts, error) {
	if chainID == nil || chainID.Sign() <= 0 {
		return nil, fmt.Errorf("transact options for %s: chain ID is required", addr.Hex())
	}
	if _, err := ks.key(addr); err != nil {
		return nil, fmt.Errorf("transact options: %w", err)
	}
	id := new(big.Int).Set(chainID)
	return &bind.TransactOpts{
		From: addr,
		Signer: func(from common.Address, tx *types.Transaction) (*types.Transaction, error) {
			if from != addr {
				return nil, bind.ErrNotAuthorized
			}
			return ks.SignTx(from, tx, id)
		},
		Context: context.Background(),
	}, nil
}

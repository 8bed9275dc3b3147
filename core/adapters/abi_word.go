package adapters

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/common/math"

	"github.com/pythia-oracle/pythia/core/store/models"
)

// Formats ethtx accepts for encoding data.result.
const (
	FormatBytes32 = "bytes32"
	FormatUint256 = "uint256"
	FormatInt256  = "int256"
	FormatBool    = "bool"
	FormatNone    = "none" // append nothing
)

var (
	minInt256  = new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), 255))
	maxInt256  = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(1))
	maxUint256 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))
)

// bytes32Word is the text of a result as bytes, right-padded with zeros
// and cut to 32 bytes, as the classic node's EthBytes32 did.
func bytes32Word(result json.RawMessage) []byte {
	b := []byte(models.JSONText(result))
	if len(b) > 32 {
		b = b[:32]
	}
	return common.RightPadBytes(b, 32)
}

// integerOf reads a result as an integer, dropping any fraction (toward
// zero), as the classic node did.
func integerOf(result json.RawMessage) (*big.Int, error) {
	if isJSONNull(result) {
		return nil, fmt.Errorf("no result to encode")
	}
	d, err := decimalFromJSON(result)
	if err != nil {
		return nil, fmt.Errorf("result %s: %w", result, err)
	}
	return d.BigInt(), nil
}

func int256Word(result json.RawMessage) ([]byte, error) {
	n, err := integerOf(result)
	if err != nil {
		return nil, err
	}
	if n.Cmp(minInt256) < 0 || n.Cmp(maxInt256) > 0 {
		return nil, fmt.Errorf("result %s does not fit in int256", n)
	}
	return math.U256Bytes(n), nil
}

func uint256Word(result json.RawMessage) ([]byte, error) {
	n, err := integerOf(result)
	if err != nil {
		return nil, err
	}
	if n.Sign() < 0 || n.Cmp(maxUint256) > 0 {
		return nil, fmt.Errorf("result %s does not fit in uint256", n)
	}
	return common.LeftPadBytes(n.Bytes(), 32), nil
}

// boolWord encodes a result as a bool: true, a non-zero number, or a
// non-empty string other than "false" or "0" is true.
func boolWord(result json.RawMessage) ([]byte, error) {
	t := bytes.TrimSpace(result)
	var truth bool
	switch {
	case len(t) == 0 || bytes.Equal(t, []byte("null")) || bytes.Equal(t, []byte("false")):
	case bytes.Equal(t, []byte("true")):
		truth = true
	case t[0] == '"':
		var s string
		if err := json.Unmarshal(t, &s); err != nil {
			return nil, fmt.Errorf("result %s: %w", t, err)
		}
		s = strings.TrimSpace(s)
		truth = s != "" && !strings.EqualFold(s, "false") && s != "0"
	case t[0] == '-' || (t[0] >= '0' && t[0] <= '9'):
		d, err := decimalFromJSON(t)
		if err != nil {
			return nil, fmt.Errorf("result %s: %w", t, err)
		}
		truth = !d.IsZero()
	default:
		return nil, fmt.Errorf("result %s cannot be encoded as a bool", t)
	}
	w := make([]byte, 32)
	if truth {
		w[31] = 1
	}
	return w, nil
}

// wordResult is the output of the eth* adapters: 0x and the hex bytes.
func wordResult(input models.RunInput, word []byte, err error) models.RunOutput {
	if err != nil {
		return models.NewRunOutputError(err)
	}
	return models.NewRunOutputCompleteWithResult(input.Data, hexutil.Encode(word))
}

// encodeResult encodes data.result for ethtx by format. An empty format
// takes the result as 0x hex bytes already encoded (by an eth* task).
func encodeResult(format string, result json.RawMessage) ([]byte, error) {
	switch format {
	case FormatBytes32:
		return bytes32Word(result), nil
	case FormatUint256:
		return uint256Word(result)
	case FormatInt256:
		return int256Word(result)
	case FormatBool:
		return boolWord(result)
	case FormatNone:
		return nil, nil
	case "":
		text := models.JSONText(result)
		if text == "" {
			return nil, nil
		}
		b, err := hexutil.Decode(text)
		if err != nil {
			return nil, fmt.Errorf("result %q is not 0x hex bytes (set format, or encode it with an eth* task first): %w", text, err)
		}
		return b, nil
	default:
		return nil, fmt.Errorf("unknown format %q", format)
	}
}

package models

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/robfig/cron/v3"

	_ "time/tzdata" // CRON_TZ zones must resolve on hosts without a zoneinfo database
)

// InitiatorParams are an initiator's decoded params. Which fields are set
// depends on the type:
//   - runlog: Address (the Oracle; nil means any) and Requesters (an
//     allow-list; empty means anyone)
//   - ethlog: Address (required) and Topics (per position, any of the
//     hashes; an empty position matches anything)
//   - cron: Schedule, accepted by ParseCronSchedule
//   - runat: Time
//   - external: Name of the external initiator
//   - web: nothing
type InitiatorParams struct {
	Address    *common.Address
	Requesters []common.Address
	Topics     [][]common.Hash
	Schedule   string
	Time       *time.Time
	Name       string
}

// InitiatorTypes lists the known initiator types.
var InitiatorTypes = []string{InitiatorWeb, InitiatorRunLog, InitiatorEthLog, InitiatorCron, InitiatorRunAt, InitiatorExternal}

// DecodeParams decodes the initiator's params; see ParseInitiatorParams.
func (i Initiator) DecodeParams() (InitiatorParams, error) {
	return ParseInitiatorParams(i.Type, i.Params)
}

// ParseInitiatorParams decodes and checks the params of an initiator of
// type typ (lowercase). Keys match case-insensitively; unknown keys are
// ignored. Problems come back as a *ValidationError with paths relative to
// the initiator (`type`, `params.address`).
func ParseInitiatorParams(typ string, params JSON) (InitiatorParams, error) {
	var ip InitiatorParams
	ve := &ValidationError{}
	var obj map[string]json.RawMessage
	if params.IsNull() {
		obj = map[string]json.RawMessage{}
	} else {
		var err error
		if obj, err = decodeObject(params); err != nil {
			ve.Add("params", "must be an object")
			return ip, ve
		}
	}
	switch typ {
	case InitiatorWeb:
	case InitiatorRunLog:
		ip.Address = optionalAddress(obj["address"], "params.address", ve)
		if raw := obj["requesters"]; !isNull(raw) {
			var items []json.RawMessage
			if json.Unmarshal(raw, &items) != nil {
				ve.Add("params.requesters", "must be an array of addresses")
			}
			for n, item := range items {
				if a := optionalAddress(item, fmt.Sprintf("params.requesters[%d]", n), ve); a != nil {
					ip.Requesters = append(ip.Requesters, *a)
				}
			}
		}
	case InitiatorEthLog:
		if isNull(obj["address"]) {
			ve.Add("params.address", "is required")
		}
		ip.Address = optionalAddress(obj["address"], "params.address", ve)
		ip.Topics = decodeTopics(obj["topics"], "params.topics", ve)
	case InitiatorCron:
		var s string
		if isNull(obj["schedule"]) {
			ve.Add("params.schedule", "is required")
		} else if json.Unmarshal(obj["schedule"], &s) != nil {
			ve.Add("params.schedule", "must be a string")
		} else if _, err := ParseCronSchedule(s); err != nil {
			ve.Add("params.schedule", "%s", err)
		} else {
			ip.Schedule = strings.TrimSpace(s)
		}
	case InitiatorRunAt:
		if isNull(obj["time"]) {
			ve.Add("params.time", "is required")
		} else if t, err := ParseAnyTime(obj["time"]); err != nil {
			ve.Add("params.time", "%s", err)
		} else {
			ip.Time = &t
		}
	case InitiatorExternal:
		var s string
		if isNull(obj["name"]) {
			ve.Add("params.name", "is required")
		} else if json.Unmarshal(obj["name"], &s) != nil || strings.TrimSpace(s) == "" {
			ve.Add("params.name", "must be a non-empty string")
		} else {
			ip.Name = strings.TrimSpace(s)
		}
	case "":
		ve.Add("type", "is required")
	default:
		ve.Add("type", "unknown initiator type %q, want one of %s", typ, strings.Join(InitiatorTypes, ", "))
	}
	return ip, ve.Err()
}

var cronParser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseCronSchedule parses a cron schedule: five fields, or six with
// seconds first; descriptors such as @every 1m and @hourly; a CRON_TZ=Zone
// (or TZ=Zone) prefix picks the time zone, UTC otherwise.
func ParseCronSchedule(spec string) (s cron.Schedule, err error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, fmt.Errorf("empty cron schedule")
	}
	if strings.HasPrefix(spec, "CRON_TZ=") || strings.HasPrefix(spec, "TZ=") {
		// robfig/cron v3.0.1 slices out of range on a zone without fields.
		if !strings.ContainsAny(spec, " \t") {
			return nil, fmt.Errorf("invalid cron schedule: no fields after the time zone")
		}
	} else {
		spec = "CRON_TZ=UTC " + spec
	}
	defer func() {
		if r := recover(); r != nil { // the parser must never take the node down
			s, err = nil, fmt.Errorf("invalid cron schedule %q", spec)
		}
	}()
	s, err = cronParser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("invalid cron schedule: %w", err)
	}
	return s, nil
}

// ParseAnyTime decodes a time given as an RFC3339 string, or as Unix
// seconds (a number or a string of digits), as the classic node accepted.
func ParseAnyTime(raw json.RawMessage) (time.Time, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		s = strings.TrimSpace(s)
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t, nil
		}
	} else {
		var n json.Number
		if json.Unmarshal(raw, &n) != nil {
			return time.Time{}, fmt.Errorf("must be an RFC3339 time or Unix seconds")
		}
		s = n.String()
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > 1<<40 {
		return time.Time{}, fmt.Errorf("must be an RFC3339 time or Unix seconds")
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
}

func optionalAddress(raw json.RawMessage, path string, ve *ValidationError) *common.Address {
	if isNull(raw) {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) != nil || !common.IsHexAddress(strings.TrimSpace(s)) {
		ve.Add(path, "must be a 20-byte hex address")
		return nil
	}
	a := common.HexToAddress(strings.TrimSpace(s))
	return &a
}

func decodeTopics(raw json.RawMessage, path string, ve *ValidationError) [][]common.Hash {
	if isNull(raw) {
		return nil
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		ve.Add(path, "must be an array")
		return nil
	}
	out := make([][]common.Hash, len(items))
	for i, item := range items {
		p := fmt.Sprintf("%s[%d]", path, i)
		if isNull(item) {
			continue
		}
		var one string
		if json.Unmarshal(item, &one) == nil {
			if h, ok := parseHash(one); ok {
				out[i] = []common.Hash{h}
			} else {
				ve.Add(p, "must be a 32-byte hex topic")
			}
			continue
		}
		var alts []*string
		if json.Unmarshal(item, &alts) != nil {
			ve.Add(p, "must be a topic, an array of topics or null")
			continue
		}
		for j, s := range alts {
			if s == nil {
				ve.Add(fmt.Sprintf("%s[%d]", p, j), "must be a 32-byte hex topic")
				continue
			}
			if h, ok := parseHash(*s); ok {
				out[i] = append(out[i], h)
			} else {
				ve.Add(fmt.Sprintf("%s[%d]", p, j), "must be a 32-byte hex topic")
			}
		}
	}
	return out
}

func parseHash(s string) (common.Hash, bool) {
	s = strings.TrimSpace(s)
	if len(s) != 66 || !(strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X")) {
		return common.Hash{}, false
	}
	b, err := hex.DecodeString(s[2:])
	if err != nil {
		return common.Hash{}, false
	}
	return common.BytesToHash(b), true
}

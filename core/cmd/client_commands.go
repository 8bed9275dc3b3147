package cmd

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/pythia-oracle/pythia/core/web"
)

// clientCommands are the commands that drive a running node through its
// REST API at CLIENT_NODE_URL.
func clientCommands() []*cli.Command {
	return []*cli.Command{adminCommand(), jobsCommand(), runsCommand(), bridgesCommand(), txsCommand(), keysCommand(), initiatorsCommand(), remoteConfigCommand()}
}

func adminCommand() *cli.Command {
	return &cli.Command{
		Name:  "admin",
		Usage: "sign in to and out of a running node",
		Description: `Examples:
   pythia admin login --file ./api.txt
   pythia admin logout`,
		Subcommands: []*cli.Command{
			{
				Name:  "login",
				Usage: "sign in and keep the session in ROOT/cookie (mode 0600)",
				Description: `Signs in to the node at CLIENT_NODE_URL. The email and password come from --file (two lines),
from --email with --password-file, or from prompts in a terminal.

Examples:
   pythia admin login --file ./api.txt
   pythia admin login --email op@example.com --password-file ./pw.txt
   CLIENT_NODE_URL=https://node.example:6689 pythia admin login`,
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "file", Aliases: []string{"f"}, Usage: "`FILE` with the email on its first line and the password on its second"},
					&cli.StringFlag{Name: "email", Usage: "the API user's `EMAIL`"},
					&cli.StringFlag{Name: "password-file", Usage: "`FILE` with the password on its first line"},
				},
				Action: clientAction(login),
			},
			{
				Name:        "logout",
				Usage:       "sign out and forget the session",
				Description: "Example:\n   pythia admin logout",
				Action: clientAction(func(c *cli.Context, a *apiClient) error {
					if _, err := os.Stat(a.sessionPath); err == nil {
						if _, err := a.do("DELETE", "/sessions", nil, nil); err != nil && err.Error() != signInHint {
							return err
						}
					}
					if err := os.Remove(a.sessionPath); err != nil && !os.IsNotExist(err) {
						return cli.Exit(fmt.Sprintf("removing the session file: %s", err), 1)
					}
					fmt.Fprintln(a.out, "Signed out.")
					return nil
				}),
			},
		},
	}
}

func login(c *cli.Context, a *apiClient) error {
	var email, password string
	var err error
	switch {
	case c.String("file") != "":
		if email, password, err = readAPIFile(c.String("file")); err != nil {
			return cli.Exit(err.Error(), 1)
		}
	case c.String("email") != "" && c.String("password-file") != "":
		email = c.String("email")
		if password, err = readPasswordFile(c.String("password-file")); err != nil {
			return cli.Exit(err.Error(), 1)
		}
	case term.IsTerminal(int(os.Stdin.Fd())): // not stdinIsTerminal: /dev/null is a character device too
		p := prompter{in: os.Stdin, out: a.out}
		if email = c.String("email"); email == "" {
			if email, err = p.line("Email: "); err != nil {
				return cli.Exit(err.Error(), 1)
			}
		}
		if password, err = p.secret("Password: "); err != nil {
			return cli.Exit(err.Error(), 1)
		}
	default:
		return cli.Exit(errNoCredentials.Error(), 1)
	}
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	req, err := newLoginRequest(a, body)
	if err != nil {
		return err
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return cli.Exit(fmt.Sprintf("cannot reach the node at %s: %s\nIs it running (`pythia node start`)? Set CLIENT_NODE_URL to its address.", a.base, err), 1)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == 401:
		return cli.Exit("wrong email or password", 1)
	case resp.StatusCode == 429:
		return cli.Exit(fmt.Sprintf("too many sign-in attempts: wait %s seconds and try again", resp.Header.Get("Retry-After")), 1)
	case resp.StatusCode != 200:
		return cli.Exit(fmt.Sprintf("signing in failed: the node answered %s", resp.Status), 1)
	}
	var token string
	for _, ck := range resp.Cookies() {
		if ck.Name == web.SessionCookie {
			token = ck.Value
		}
	}
	if token == "" {
		return cli.Exit("signing in failed: the node sent no session cookie", 1)
	}
	if err := os.MkdirAll(filepath.Dir(a.sessionPath), 0o700); err != nil {
		return cli.Exit(fmt.Sprintf("creating ROOT: %s", err), 1)
	}
	if err := os.WriteFile(a.sessionPath, []byte(token+"\n"), 0o600); err != nil {
		return cli.Exit(fmt.Sprintf("saving the session: %s", err), 1)
	}
	if err := os.Chmod(a.sessionPath, 0o600); err != nil {
		return cli.Exit(fmt.Sprintf("saving the session: %s", err), 1)
	}
	fmt.Fprintf(a.out, "Signed in to %s as %s.\n", a.base, email)
	return nil
}

func jobsCommand() *cli.Command {
	return &cli.Command{
		Name:  "jobs",
		Usage: "list, show, create and archive jobs",
		Description: `Examples:
   pythia jobs list
   pythia jobs create ./job.json
   pythia jobs show 0123456789abcdef0123456789abcdef
   pythia jobs archive 0123456789abcdef0123456789abcdef`,
		Subcommands: []*cli.Command{
			{
				Name: "list", Usage: "list the jobs that are not archived, newest first", Flags: pageFlags,
				Description: "Example:\n   pythia jobs list --page 2",
				Action: clientAction(func(c *cli.Context, a *apiClient) error {
					var specs []resource[web.SpecAttributes]
					ok, doc, err := a.fetch("GET", "/v2/specs"+pageQuery(c, nil), nil, &specs)
					if !ok {
						return err
					}
					rows := [][]string{}
					for _, s := range specs {
						rows = append(rows, []string{s.ID, s.Attributes.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"), initiatorTypes(s.Attributes), taskTypes(s.Attributes)})
					}
					if err := a.table([]string{"ID", "CREATED", "INITIATORS", "TASKS"}, rows); err != nil {
						return err
					}
					a.footer(doc, len(specs), c.Int("page"))
					return nil
				}),
			},
			{
				Name: "show", Usage: "show a job with its recent runs", ArgsUsage: "ID", Flags: []cli.Flag{jsonFlag},
				Description: "Example:\n   pythia jobs show 0123456789abcdef0123456789abcdef",
				Action: clientAction(func(c *cli.Context, a *apiClient) error {
					if err := needArgs(c, 1, "ID"); err != nil {
						return err
					}
					var s resource[web.SpecAttributes]
					ok, _, err := a.fetch("GET", "/v2/specs/"+url.PathEscape(c.Args().First()), nil, &s)
					if !ok {
						return err
					}
					return printSpec(a, s)
				}),
			},
			{
				Name: "create", Usage: "create a job from a JSON spec file (- for standard input)", ArgsUsage: "FILE", Flags: []cli.Flag{jsonFlag},
				Description: `Example:
   pythia jobs create ./job.json
   echo '{"initiators":[{"type":"web"}],"tasks":[{"type":"noop"}]}' | pythia jobs create -`,
				Action: clientAction(func(c *cli.Context, a *apiClient) error {
					if err := needArgs(c, 1, "FILE"); err != nil {
						return err
					}
					body, err := readInput(c, c.Args().First())
					if err != nil {
						return err
					}
					var s resource[web.SpecAttributes]
					ok, _, err := a.fetch("POST", "/v2/specs", body, &s)
					if !ok {
						return err
					}
					fmt.Fprintf(a.out, "Job %s created.\n", s.ID)
					return nil
				}),
			},
			{
				Name: "archive", Usage: "archive a job: its initiators stop, its runs stay", ArgsUsage: "ID", Flags: []cli.Flag{jsonFlag},
				Description: "Example:\n   pythia jobs archive 0123456789abcdef0123456789abcdef",
				Action: clientAction(func(c *cli.Context, a *apiClient) error {
					if err := needArgs(c, 1, "ID"); err != nil {
						return err
					}
					var s resource[web.SpecAttributes]
					ok, _, err := a.fetch("DELETE", "/v2/specs/"+url.PathEscape(c.Args().First()), nil, &s)
					if !ok {
						return err
					}
					fmt.Fprintf(a.out, "Job %s archived.\n", s.ID)
					return nil
				}),
			},
		},
	}
}

func initiatorTypes(s web.SpecAttributes) string {
	var ts []string
	for _, in := range s.Initiators {
		ts = append(ts, in.Type)
	}
	return orDash(strings.Join(ts, ","))
}

func taskTypes(s web.SpecAttributes) string {
	var ts []string
	for _, t := range s.Tasks {
		ts = append(ts, t.Type)
	}
	return orDash(strings.Join(ts, ","))
}

func printSpec(a *apiClient, s resource[web.SpecAttributes]) error {
	at := s.Attributes
	if err := a.fields("ID", s.ID, "Created", timeText(&at.CreatedAt), "Archived", timeText(at.ArchivedAt),
		"Start at", timeText(at.StartAt), "End at", timeText(at.EndAt), "Min payment", ptrText(at.MinPayment)); err != nil {
		return err
	}
	fmt.Fprintln(a.out, "\nInitiators:")
	rows := [][]string{}
	for _, in := range at.Initiators {
		rows = append(rows, []string{in.Type, compactJSON(json.RawMessage(in.Params))})
	}
	if err := a.table([]string{"TYPE", "PARAMS"}, rows); err != nil {
		return err
	}
	fmt.Fprintln(a.out, "\nTasks:")
	rows = [][]string{}
	for i, t := range at.Tasks {
		rows = append(rows, []string{fmt.Sprint(i), t.Type, ptrText(t.Confirmations), compactJSON(json.RawMessage(t.Params))})
	}
	if err := a.table([]string{"#", "TYPE", "CONFIRMATIONS", "PARAMS"}, rows); err != nil {
		return err
	}
	fmt.Fprintln(a.out, "\nRecent runs:")
	rows = [][]string{}
	for _, r := range at.Runs {
		rows = append(rows, []string{r.ID, string(r.Status), timeText(&r.CreatedAt), timeText(r.FinishedAt)})
	}
	return a.table([]string{"ID", "STATUS", "CREATED", "FINISHED"}, rows)
}

func runsCommand() *cli.Command {
	return &cli.Command{
		Name:  "runs",
		Usage: "list, show, start and cancel job runs",
		Description: `Examples:
   pythia runs list --job 0123456789abcdef0123456789abcdef
   pythia runs create 0123456789abcdef0123456789abcdef --data '{"price":"1"}'
   pythia runs show fedcba9876543210fedcba9876543210`,
		Subcommands: []*cli.Command{
			{
				Name: "list", Usage: "list runs, newest first",
				Flags: append([]cli.Flag{
					&cli.StringFlag{Name: "job", Usage: "only runs of job `ID`"},
					&cli.StringFlag{Name: "status", Usage: "only runs in `STATUS` (completed, errored, pending_bridge, ...)"},
				}, pageFlags...),
				Description: "Examples:\n   pythia runs list\n   pythia runs list --job 0123456789abcdef0123456789abcdef --status errored",
				Action: clientAction(func(c *cli.Context, a *apiClient) error {
					q := url.Values{}
					if j := c.String("job"); j != "" {
						q.Set("jobId", j)
					}
					if s := c.String("status"); s != "" {
						q.Set("status", s)
					}
					var runs []resource[web.RunAttributes]
					ok, doc, err := a.fetch("GET", "/v2/runs"+pageQuery(c, q), nil, &runs)
					if !ok {
						return err
					}
					rows := [][]string{}
					for _, r := range runs {
						rows = append(rows, []string{r.ID, r.Attributes.JobID, string(r.Attributes.Status), orDash(r.Attributes.InitiatorType), timeText(&r.Attributes.CreatedAt), timeText(r.Attributes.FinishedAt)})
					}
					if err := a.table([]string{"ID", "JOB", "STATUS", "INITIATOR", "CREATED", "FINISHED"}, rows); err != nil {
						return err
					}
					a.footer(doc, len(runs), c.Int("page"))
					return nil
				}),
			},
			{
				Name: "show", Usage: "show a run and each of its tasks", ArgsUsage: "ID", Flags: []cli.Flag{jsonFlag},
				Description: "Example:\n   pythia runs show fedcba9876543210fedcba9876543210",
				Action: clientAction(func(c *cli.Context, a *apiClient) error {
					if err := needArgs(c, 1, "ID"); err != nil {
						return err
					}
					var r resource[web.RunAttributes]
					ok, _, err := a.fetch("GET", "/v2/runs/"+url.PathEscape(c.Args().First()), nil, &r)
					if !ok {
						return err
					}
					return printRun(a, r)
				}),
			},
			{
				Name: "create", Usage: "start a run of a job with a web initiator", ArgsUsage: "JOB",
				Flags:       []cli.Flag{jsonFlag, &cli.StringFlag{Name: "data", Usage: "the run's input, a `JSON` document"}},
				Description: "Examples:\n   pythia runs create 0123456789abcdef0123456789abcdef\n   pythia runs create 0123456789abcdef0123456789abcdef --data '{\"price\":\"1\"}'",
				Action: clientAction(func(c *cli.Context, a *apiClient) error {
					// The data may follow the job, as a flag or alone, as
					// in the classic CLI.
					rest := c.Args().Tail()
					d := c.String("data")
					switch {
					case c.NArg() == 2 && d == "":
						d = rest[0]
					case c.NArg() == 3 && rest[0] == "--data" && d == "":
						d = rest[1]
					case c.NArg() == 2 && strings.HasPrefix(rest[0], "--data=") && d == "":
						d = strings.TrimPrefix(rest[0], "--data=")
					case c.NArg() != 1:
						return cli.Exit("usage: pythia runs create JOB [--data JSON]", 1)
					}
					var body []byte
					if d != "" {
						if !json.Valid([]byte(d)) {
							return cli.Exit("--data is not valid JSON; quote it for the shell, e.g. --data '{\"price\":\"1\"}'", 1)
						}
						body = []byte(d)
					}
					var r resource[web.RunAttributes]
					ok, _, err := a.fetch("POST", "/v2/specs/"+url.PathEscape(c.Args().First())+"/runs", body, &r)
					if !ok {
						return err
					}
					fmt.Fprintf(a.out, "Run %s started (%s).\n", r.ID, r.Attributes.Status)
					return nil
				}),
			},
			{
				Name: "cancel", Usage: "cancel a run that has not finished", ArgsUsage: "ID", Flags: []cli.Flag{jsonFlag},
				Description: "Example:\n   pythia runs cancel fedcba9876543210fedcba9876543210",
				Action: clientAction(func(c *cli.Context, a *apiClient) error {
					if err := needArgs(c, 1, "ID"); err != nil {
						return err
					}
					var r resource[web.RunAttributes]
					ok, _, err := a.fetch("PUT", "/v2/runs/"+url.PathEscape(c.Args().First())+"/cancellation", nil, &r)
					if !ok {
						return err
					}
					fmt.Fprintf(a.out, "Run %s %s.\n", r.ID, r.Attributes.Status)
					return nil
				}),
			},
		},
	}
}

func printRun(a *apiClient, r resource[web.RunAttributes]) error {
	at := r.Attributes
	if err := a.fields("ID", r.ID, "Job", at.JobID, "Status", string(at.Status), "Initiator", orDash(at.InitiatorType),
		"Created", timeText(&at.CreatedAt), "Finished", timeText(at.FinishedAt),
		"Result", compactJSON(json.RawMessage(at.Result)), "Error", ptrText(at.Error)); err != nil {
		return err
	}
	fmt.Fprintln(a.out, "\nTasks:")
	rows := [][]string{}
	for _, t := range at.TaskRuns {
		tx := "-"
		if t.TxHash != nil {
			tx = t.TxHash.Hex()
		}
		rows = append(rows, []string{fmt.Sprint(t.Index), t.Type, string(t.Status), fmt.Sprint(t.Attempts),
			fmt.Sprintf("%d/%d", t.Confirmations, t.MinimumConfirmations), compactJSON(json.RawMessage(t.Result)), ptrText(t.Error), tx})
	}
	return a.table([]string{"#", "TYPE", "STATUS", "ATTEMPTS", "CONFIRMATIONS", "RESULT", "ERROR", "TX"}, rows)
}

func bridgesCommand() *cli.Command {
	return &cli.Command{
		Name:  "bridges",
		Usage: "list, show, create and destroy bridges (external adapters)",
		Description: `Examples:
   pythia bridges create --confirmations 1 prices http://localhost:8080/
   pythia bridges list
   pythia bridges destroy prices`,
		Subcommands: []*cli.Command{
			{
				Name: "list", Usage: "list the bridges", Flags: pageFlags,
				Description: "Example:\n   pythia bridges list",
				Action: clientAction(func(c *cli.Context, a *apiClient) error {
					var bts []resource[web.BridgeAttributes]
					ok, doc, err := a.fetch("GET", "/v2/bridge_types"+pageQuery(c, nil), nil, &bts)
					if !ok {
						return err
					}
					rows := [][]string{}
					for _, b := range bts {
						rows = append(rows, []string{b.Attributes.Name, b.Attributes.URL, fmt.Sprint(b.Attributes.Confirmations), ptrText(b.Attributes.MinimumContractPayment)})
					}
					if err := a.table([]string{"NAME", "URL", "CONFIRMATIONS", "MIN PAYMENT"}, rows); err != nil {
						return err
					}
					a.footer(doc, len(bts), c.Int("page"))
					return nil
				}),
			},
			{
				Name: "show", Usage: "show a bridge", ArgsUsage: "NAME", Flags: []cli.Flag{jsonFlag},
				Description: "Example:\n   pythia bridges show prices",
				Action: clientAction(func(c *cli.Context, a *apiClient) error {
					if err := needArgs(c, 1, "NAME"); err != nil {
						return err
					}
					var b resource[web.BridgeAttributes]
					ok, _, err := a.fetch("GET", "/v2/bridge_types/"+url.PathEscape(c.Args().First()), nil, &b)
					if !ok {
						return err
					}
					at := b.Attributes
					return a.fields("Name", at.Name, "URL", at.URL, "Confirmations", fmt.Sprint(at.Confirmations),
						"Min payment", ptrText(at.MinimumContractPayment), "Created", timeText(&at.CreatedAt))
				}),
			},
			{
				Name: "create", Usage: "create a bridge; its tokens are shown once", ArgsUsage: "[--confirmations N] [--minimum-payment JUELS] NAME URL",
				Flags: []cli.Flag{jsonFlag,
					&cli.UintFlag{Name: "confirmations", Usage: "`N` incoming confirmations its tasks wait for"},
					&cli.StringFlag{Name: "minimum-payment", Usage: "least `JUELS` of LINK a request must pay to use it"},
				},
				Description: "Example:\n   pythia bridges create --confirmations 1 prices http://localhost:8080/",
				Action: clientAction(func(c *cli.Context, a *apiClient) error {
					if err := needArgs(c, 2, "NAME URL"); err != nil {
						return err
					}
					def := map[string]any{"name": c.Args().Get(0), "url": c.Args().Get(1), "confirmations": c.Uint("confirmations")}
					if m := c.String("minimum-payment"); m != "" {
						def["minimumContractPayment"] = m
					}
					body, _ := json.Marshal(def)
					var b resource[web.BridgeAttributes]
					ok, _, err := a.fetch("POST", "/v2/bridge_types", body, &b)
					if !ok {
						return err
					}
					fmt.Fprintf(a.out, "Bridge %s created. Its tokens are shown this once:\n", b.Attributes.Name)
					return a.fields("Incoming token (the adapter sends it to resume runs)", b.Attributes.IncomingToken,
						"Outgoing token (the node sends it to the adapter)", b.Attributes.OutgoingToken)
				}),
			},
			{
				Name: "destroy", Usage: "delete a bridge no active job uses", ArgsUsage: "NAME", Flags: []cli.Flag{jsonFlag},
				Description: "Example:\n   pythia bridges destroy prices",
				Action: clientAction(func(c *cli.Context, a *apiClient) error {
					if err := needArgs(c, 1, "NAME"); err != nil {
						return err
					}
					var b resource[web.BridgeAttributes]
					ok, _, err := a.fetch("DELETE", "/v2/bridge_types/"+url.PathEscape(c.Args().First()), nil, &b)
					if !ok {
						return err
					}
					fmt.Fprintf(a.out, "Bridge %s deleted.\n", b.Attributes.Name)
					return nil
				}),
			},
		},
	}
}

func txsCommand() *cli.Command {
	return &cli.Command{
		Name:  "txs",
		Usage: "list and show the transactions the node sent",
		Description: `Examples:
   pythia txs list
   pythia txs show 0x5c5a…`,
		Subcommands: []*cli.Command{
			{
				Name: "list", Usage: "list transactions, newest first", Flags: pageFlags,
				Description: "Example:\n   pythia txs list",
				Action: clientAction(func(c *cli.Context, a *apiClient) error {
					var txs []resource[web.TxAttributes]
					ok, doc, err := a.fetch("GET", "/v2/transactions"+pageQuery(c, nil), nil, &txs)
					if !ok {
						return err
					}
					rows := [][]string{}
					for _, t := range txs {
						rows = append(rows, []string{t.ID, t.Attributes.From.Hex(), fmt.Sprint(t.Attributes.Nonce), string(t.Attributes.State), fmt.Sprint(t.Attributes.Confirmations), fmt.Sprint(len(t.Attributes.Attempts))})
					}
					if err := a.table([]string{"HASH", "FROM", "NONCE", "STATE", "CONFIRMATIONS", "ATTEMPTS"}, rows); err != nil {
						return err
					}
					a.footer(doc, len(txs), c.Int("page"))
					return nil
				}),
			},
			{
				Name: "show", Usage: "show a transaction by the hash of any of its attempts", ArgsUsage: "HASH", Flags: []cli.Flag{jsonFlag},
				Description: "Example:\n   pythia txs show 0x5c5a4f…",
				Action: clientAction(func(c *cli.Context, a *apiClient) error {
					if err := needArgs(c, 1, "HASH"); err != nil {
						return err
					}
					var t resource[web.TxAttributes]
					ok, _, err := a.fetch("GET", "/v2/transactions/"+url.PathEscape(c.Args().First()), nil, &t)
					if !ok {
						return err
					}
					at := t.Attributes
					hash := "-"
					if at.Hash != nil {
						hash = at.Hash.Hex()
					}
					if err := a.fields("Hash", hash, "From", at.From.Hex(), "To", at.To.Hex(), "Nonce", fmt.Sprint(at.Nonce),
						"State", string(at.State), "Block", ptrText(at.BlockNumber), "Confirmations", fmt.Sprint(at.Confirmations),
						"Gas limit", fmt.Sprint(at.GasLimit), "Gas used", ptrText(at.GasUsed), "Task run", ptrText(at.TaskRunID)); err != nil {
						return err
					}
					fmt.Fprintln(a.out, "\nAttempts:")
					rows := [][]string{}
					for _, at := range at.Attempts {
						price := at.GasPrice
						if price == nil {
							price = at.GasFeeCap
						}
						rows = append(rows, []string{at.Hash.Hex(), bigText(price), timeText(at.BroadcastAt)})
					}
					return a.table([]string{"HASH", "GAS PRICE (WEI)", "BROADCAST"}, rows)
				}),
			},
		},
	}
}

func keysCommand() *cli.Command {
	return &cli.Command{
		Name:        "keys",
		Usage:       "the node's keys",
		Description: "Examples:\n   pythia keys eth list\n   pythia keys eth create",
		Subcommands: []*cli.Command{{
			Name:        "eth",
			Usage:       "Ethereum keys",
			Description: "Examples:\n   pythia keys eth list\n   pythia keys eth create",
			Subcommands: []*cli.Command{
				{
					Name: "list", Usage: "list the keys with their ETH and LINK balances", Flags: []cli.Flag{jsonFlag},
					Description: "Example:\n   pythia keys eth list",
					Action: clientAction(func(c *cli.Context, a *apiClient) error {
						var keys []resource[web.KeyAttributes]
						ok, _, err := a.fetch("GET", "/v2/keys", nil, &keys)
						if !ok {
							return err
						}
						rows := [][]string{}
						for _, k := range keys {
							rows = append(rows, []string{k.Attributes.Address.Hex(), bigText(k.Attributes.ETHBalance), bigText(k.Attributes.LINKBalance)})
						}
						return a.table([]string{"ADDRESS", "ETH (WEI)", "LINK (JUELS)"}, rows)
					}),
				},
				{
					Name: "create", Usage: "create a key, encrypted with the keystore password", Flags: []cli.Flag{jsonFlag},
					Description: "Example:\n   pythia keys eth create",
					Action: clientAction(func(c *cli.Context, a *apiClient) error {
						var k resource[web.KeyAttributes]
						ok, _, err := a.fetch("POST", "/v2/keys", nil, &k)
						if !ok {
							return err
						}
						fmt.Fprintf(a.out, "Key %s created.\n", k.Attributes.Address.Hex())
						return nil
					}),
				},
			},
		}},
	}
}

func initiatorsCommand() *cli.Command {
	return &cli.Command{
		Name:  "initiators",
		Usage: "create and destroy external initiators",
		Description: `Examples:
   pythia initiators create feeds http://localhost:8081/jobs
   pythia initiators destroy feeds`,
		Subcommands: []*cli.Command{
			{
				Name: "list", Usage: "list the external initiators", Flags: []cli.Flag{jsonFlag},
				Description: "Example:\n   pythia initiators list",
				Action: clientAction(func(c *cli.Context, a *apiClient) error {
					var eis []resource[web.ExternalInitiatorAttributes]
					ok, _, err := a.fetch("GET", "/v2/external_initiators", nil, &eis)
					if !ok {
						return err
					}
					rows := [][]string{}
					for _, e := range eis {
						rows = append(rows, []string{e.Attributes.Name, ptrText(e.Attributes.URL), timeText(&e.Attributes.CreatedAt)})
					}
					return a.table([]string{"NAME", "URL", "CREATED"}, rows)
				}),
			},
			{
				Name: "create", Usage: "create an external initiator; its credentials are shown once", ArgsUsage: "NAME [URL]", Flags: []cli.Flag{jsonFlag},
				Description: `The node POSTs new jobs that name the initiator to URL, and DELETEs URL/JOB when they are archived.

Example:
   pythia initiators create feeds http://localhost:8081/jobs`,
				Action: clientAction(func(c *cli.Context, a *apiClient) error {
					if c.NArg() < 1 || c.NArg() > 2 {
						return cli.Exit("usage: pythia initiators create NAME [URL]", 1)
					}
					body, _ := json.Marshal(map[string]string{"name": c.Args().Get(0), "url": c.Args().Get(1)})
					var e resource[web.ExternalInitiatorAttributes]
					ok, _, err := a.fetch("POST", "/v2/external_initiators", body, &e)
					if !ok {
						return err
					}
					at := e.Attributes
					fmt.Fprintf(a.out, "External initiator %s created. Its credentials are shown this once:\n", at.Name)
					return a.fields("Access key ("+web.HeaderEIAccessKey+")", at.AccessKey, "Secret ("+web.HeaderEISecret+")", at.Secret,
						"Outgoing token (the node sends it)", at.OutgoingToken, "Outgoing secret (the node sends it)", at.OutgoingSecret)
				}),
			},
			{
				Name: "destroy", Usage: "delete an external initiator", ArgsUsage: "NAME", Flags: []cli.Flag{jsonFlag},
				Description: "Example:\n   pythia initiators destroy feeds",
				Action: clientAction(func(c *cli.Context, a *apiClient) error {
					if err := needArgs(c, 1, "NAME"); err != nil {
						return err
					}
					var e resource[web.ExternalInitiatorAttributes]
					ok, _, err := a.fetch("DELETE", "/v2/external_initiators/"+url.PathEscape(c.Args().First()), nil, &e)
					if !ok {
						return err
					}
					fmt.Fprintf(a.out, "External initiator %s deleted.\n", e.Attributes.Name)
					return nil
				}),
			},
		},
	}
}

func remoteConfigCommand() *cli.Command {
	return &cli.Command{
		Name:        "config",
		Usage:       "print the running node's effective configuration, secrets redacted",
		Description: "Example:\n   pythia config\n(`pythia node config` prints the configuration this shell's environment would give.)",
		Flags:       []cli.Flag{jsonFlag},
		Action: clientAction(func(c *cli.Context, a *apiClient) error {
			var r resource[struct {
				Settings []web.Setting `json:"settings"`
			}]
			ok, _, err := a.fetch("GET", "/v2/config", nil, &r)
			if !ok {
				return err
			}
			rows := [][]string{}
			for _, s := range r.Attributes.Settings {
				src := "default"
				if s.FromEnv {
					src = "env"
				}
				rows = append(rows, []string{s.Name, orDash(s.Value), src})
			}
			return a.table([]string{"VARIABLE", "VALUE", "SOURCE"}, rows)
		}),
	}
}

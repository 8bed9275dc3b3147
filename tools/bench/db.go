package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	_ "github.com/glebarez/go-sqlite"  // database/sql driver "sqlite", read-only size checks
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

// postgres is a throw-away PostgreSQL cluster in a temporary folder, run as
// the postgres user when the harness runs as root (initdb refuses root).
type postgres struct {
	bin, dir string
	port     int
	dbs      int
}

func pgBin() string {
	if b := os.Getenv("PGBIN"); b != "" {
		return b
	}
	return "/usr/lib/postgresql/15/bin"
}

func asPostgres(name string, args ...string) *exec.Cmd {
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
	}
	return exec.Command(name, args...)
}

func startPostgres() (*postgres, error) {
	bin := pgBin()
	if _, err := os.Stat(filepath.Join(bin, "initdb")); err != nil {
		return nil, fmt.Errorf("PostgreSQL not installed (run bash tools/ci/install.sh): %w", err)
	}
	dir, err := os.MkdirTemp("", "pythia-bench-pg.")
	if err != nil {
		return nil, err
	}
	if os.Geteuid() == 0 {
		if out, err := exec.Command("chown", "postgres:postgres", dir).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("chown %s: %w: %s", dir, err, out)
		}
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	p := &postgres{bin: bin, dir: dir, port: port}
	if out, err := asPostgres(filepath.Join(bin, "initdb"), "-D", filepath.Join(dir, "data"), "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C.UTF-8", "--no-sync").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %w: %s", err, out)
	}
	if err := p.ctl("start"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return p, nil
}

func (p *postgres) ctl(action string) error {
	args := []string{"-D", filepath.Join(p.dir, "data"), "-l", filepath.Join(p.dir, "server.log"), "-w", "-t", "60"}
	if action != "start" {
		args = append(args, "-m", "fast")
	}
	args = append(args, "-o", fmt.Sprintf("-h 127.0.0.1 -p %d -k %s -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300", p.port, p.dir), action)
	if out, err := asPostgres(filepath.Join(p.bin, "pg_ctl"), args...).CombinedOutput(); err != nil {
		return fmt.Errorf("pg_ctl %s: %w: %s", action, err, out)
	}
	return nil
}

// Restart stops the server (fast: open connections are cut) and starts it.
func (p *postgres) Restart() error { return p.ctl("restart") }

// PID is the postmaster's process ID, from its pid file.
func (p *postgres) PID() (int, error) {
	b, err := os.ReadFile(filepath.Join(p.dir, "data", "postmaster.pid"))
	if err != nil {
		return 0, fmt.Errorf("reading postmaster.pid: %w", err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return strconv.Atoi(strings.TrimSpace(line))
}

func (p *postgres) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", p.port, db)
}

// newDatabase creates an empty database and returns its URL.
func (p *postgres) newDatabase(ctx context.Context) (string, error) {
	p.dbs++
	name := "bench_" + strconv.Itoa(p.dbs)
	db, err := sql.Open("pgx", p.url("postgres"))
	if err != nil {
		return "", err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("creating database %s: %w", name, err)
	}
	return p.url(name), nil
}

func (p *postgres) Close() {
	_ = p.ctl("stop")
	os.RemoveAll(p.dir)
}

// dbSize is the node's database: rows over all tables and bytes on disk.
type dbSize struct {
	rows  int64
	bytes int64
}

// measureDB sizes the node's database: PostgreSQL by pg_total_relation_size
// of every table, SQLite by the file with its WAL.
func measureDB(ctx context.Context, databaseURL, root string) (dbSize, error) {
	var s dbSize
	var db *sql.DB
	var err error
	var tables []string
	if databaseURL != "" {
		if db, err = sql.Open("pgx", databaseURL); err != nil {
			return s, err
		}
		defer db.Close()
		rows, err := db.QueryContext(ctx, `SELECT tablename, pg_total_relation_size(quote_ident(tablename)) FROM pg_tables WHERE schemaname = 'public'`)
		if err != nil {
			return s, fmt.Errorf("sizing tables: %w", err)
		}
		for rows.Next() {
			var name string
			var size int64
			if err := rows.Scan(&name, &size); err != nil {
				rows.Close()
				return s, err
			}
			tables = append(tables, name)
			s.bytes += size
		}
		rows.Close()
	} else {
		path := filepath.Join(root, "db.sqlite3")
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if fi, err := os.Stat(path + suffix); err == nil {
				s.bytes += fi.Size()
			}
		}
		if db, err = sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)"); err != nil {
			return s, err
		}
		defer db.Close()
		rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
		if err != nil {
			return s, fmt.Errorf("listing tables: %w", err)
		}
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				rows.Close()
				return s, err
			}
			tables = append(tables, name)
		}
		rows.Close()
	}
	for _, t := range tables {
		var n int64
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM "`+strings.ReplaceAll(t, `"`, `""`)+`"`).Scan(&n); err != nil {
			return s, fmt.Errorf("counting %s: %w", t, err)
		}
		s.rows += n
	}
	return s, nil
}

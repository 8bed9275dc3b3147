// Package testdb gives each test a fresh, migrated, isolated store on the
// engine the run asks for.
//
// Open uses PYTHIA_TEST_ENGINE: "sqlite" (the default) opens a file in
// t.TempDir(); "postgres" creates a database pythia_test_<random> on the
// server at PYTHIA_TEST_POSTGRES_URL and drops it when the test ends, so
// tests never see each other's rows and may run in parallel. The store is
// closed by t.Cleanup before its database is dropped.
//
// PostgresURL is for tests that need PostgreSQL itself: it skips when the
// URL is unset but fails under CI=true. ForEachEngine runs a test on both
// engines in one pass. NewDatabaseURL and OpenURL give an empty database
// and raw access to store.Open's errors, for migration tests.
package testdb

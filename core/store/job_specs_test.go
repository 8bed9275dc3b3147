package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pythia-oracle/pythia/core/internal/testdb"
	"github.com/pythia-oracle/pythia/core/store"
	"github.com/pythia-oracle/pythia/core/store/models"
)

func newJob(created time.Time, initiators ...string) *models.JobSpec {
	js := &models.JobSpec{CreatedAt: created}
	for _, typ := range initiators {
		js.Initiators = append(js.Initiators, models.Initiator{Type: typ, Params: models.JSON(`{"schedule":"* * * * *"}`)})
	}
	conf := uint32(3)
	js.Tasks = []models.TaskSpec{
		{Type: "httpget", Params: models.JSON(`{"get":"https://example.com"}`)},
		{Type: "jsonparse", Params: models.JSON(`{"path":["a","b"]}`), Confirmations: &conf},
		{Type: "ethtx"},
	}
	return js
}

func TestCreateAndFindJobSpec(t *testing.T) {
	ctx := context.Background()
	s := testdb.Open(t)

	start := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	min := "1000000000000000000"
	js := newJob(time.Time{}, "web", "cron")
	js.StartAt, js.MinPayment = &start, &min
	js.Tasks[0].Index = 7 // overwritten by the order
	require.NoError(t, s.CreateJobSpec(ctx, js))
	require.Len(t, js.ID, 32)
	require.False(t, js.CreatedAt.IsZero())

	got, err := s.FindJobSpec(ctx, js.ID)
	require.NoError(t, err)
	require.Equal(t, js.ID, got.ID)
	require.True(t, start.Equal(*got.StartAt))
	require.Nil(t, got.EndAt)
	require.Equal(t, min, *got.MinPayment)
	require.False(t, got.Archived())
	require.Len(t, got.Initiators, 2)
	require.Equal(t, "web", got.Initiators[0].Type)
	require.Equal(t, "cron", got.Initiators[1].Type)
	require.JSONEq(t, `{"schedule":"* * * * *"}`, string(got.Initiators[1].Params))
	require.Len(t, got.Tasks, 3)
	for i, typ := range []string{"httpget", "jsonparse", "ethtx"} {
		require.Equal(t, typ, got.Tasks[i].Type)
		require.Equal(t, i, got.Tasks[i].Index)
		require.Equal(t, js.ID, got.Tasks[i].JobSpecID)
	}
	require.EqualValues(t, 3, *got.Tasks[1].Confirmations)
	require.Nil(t, got.Tasks[0].Confirmations)
	require.True(t, got.Tasks[2].Params.IsNull())

	_, err = s.FindJobSpec(ctx, "0123456789abcdef0123456789abcdef")
	require.ErrorIs(t, err, store.ErrNotFound)
}

func TestCreateJobSpecIsAtomic(t *testing.T) {
	ctx := context.Background()
	s := testdb.Open(t)
	js := newJob(time.Time{}, "web")
	js.ID = store.NewJobID()
	require.NoError(t, s.CreateJobSpec(ctx, js))

	// Same ID again: the job insert fails and nothing of it is saved.
	again := newJob(time.Time{}, "runlog")
	again.ID = js.ID
	require.ErrorIs(t, s.CreateJobSpec(ctx, again), store.ErrDuplicate)

	// A task that cannot be saved (its ID is taken) rolls back the job.
	require.NotZero(t, js.Tasks[0].ID)
	bad := newJob(time.Time{}, "runlog")
	bad.Tasks[1].ID = js.Tasks[0].ID
	require.ErrorIs(t, s.CreateJobSpec(ctx, bad), store.ErrDuplicate)
	_, err := s.FindJobSpec(ctx, bad.ID)
	require.ErrorIs(t, err, store.ErrNotFound)

	// Inside a caller's transaction, the caller's rollback undoes it.
	inner := newJob(time.Time{}, "runlog")
	err = s.Transact(ctx, func(tx *store.Store) error {
		if err := tx.CreateJobSpec(ctx, inner); err != nil {
			return err
		}
		return errBoom
	})
	require.ErrorIs(t, err, errBoom)
	_, err = s.FindJobSpec(ctx, inner.ID)
	require.ErrorIs(t, err, store.ErrNotFound)

	runlogs, err := s.ActiveJobSpecsByInitiatorType(ctx, "runlog")
	require.NoError(t, err)
	require.Empty(t, runlogs)
}

func TestJobSpecsPagingAndArchive(t *testing.T) {
	ctx := context.Background()
	s := testdb.Open(t)
	base := time.Now().Add(-time.Hour)
	var ids []string
	types := []string{"web", "runlog", "cron", "runlog", "web"}
	for i, typ := range types {
		js := newJob(base.Add(time.Duration(i)*time.Minute), typ)
		require.NoError(t, s.CreateJobSpec(ctx, js))
		ids = append(ids, js.ID)
	}

	tests := []struct {
		offset, limit int
		want          []string
	}{
		{0, 2, []string{ids[4], ids[3]}},
		{2, 2, []string{ids[2], ids[1]}},
		{4, 2, []string{ids[0]}},
		{10, 2, nil},
	}
	for _, tt := range tests {
		jobs, count, err := s.JobSpecs(ctx, tt.offset, tt.limit)
		require.NoError(t, err)
		require.EqualValues(t, 5, count)
		var got []string
		for _, j := range jobs {
			got = append(got, j.ID)
			require.Len(t, j.Tasks, 3)
			require.Len(t, j.Initiators, 1)
		}
		require.Equal(t, tt.want, got, "JobSpecs(%d, %d)", tt.offset, tt.limit)
	}
	_, _, err := s.JobSpecs(ctx, -1, 10)
	require.Error(t, err)
	_, _, err = s.JobSpecs(ctx, 0, 0)
	require.Error(t, err)

	runlogs, err := s.ActiveJobSpecsByInitiatorType(ctx, "RunLog")
	require.NoError(t, err)
	require.Len(t, runlogs, 2)
	require.Equal(t, ids[1], runlogs[0].ID)
	require.Equal(t, ids[3], runlogs[1].ID)
	require.Equal(t, "runlog", runlogs[0].Initiators[0].Type)

	at := time.Now()
	require.NoError(t, s.ArchiveJobSpec(ctx, ids[1], at))
	require.NoError(t, s.ArchiveJobSpec(ctx, ids[1], at.Add(time.Hour)), "archiving twice")
	require.ErrorIs(t, s.ArchiveJobSpec(ctx, "ffffffffffffffffffffffffffffffff", at), store.ErrNotFound)

	archived, err := s.FindJobSpec(ctx, ids[1])
	require.NoError(t, err)
	require.True(t, archived.Archived())
	require.WithinDuration(t, at, *archived.ArchivedAt, time.Millisecond, "second archive must not move the time")

	runlogs, err = s.ActiveJobSpecsByInitiatorType(ctx, "runlog")
	require.NoError(t, err)
	require.Len(t, runlogs, 1)
	require.Equal(t, ids[3], runlogs[0].ID)
	_, count, err := s.JobSpecs(ctx, 0, 10)
	require.NoError(t, err)
	require.EqualValues(t, 4, count)
}
